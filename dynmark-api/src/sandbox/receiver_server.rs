//! [`ReceiverServer`] (features `sandbox` and `receiver`): a [`ReceiverService`] served on
//! 127.0.0.1, so that a test (or the main example) receives what the sandbox delivers without
//! a web framework.

use std::net::{Ipv4Addr, SocketAddr};
use std::thread::JoinHandle;

use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::receipts::ReceiverService;

/// A [`ReceiverService`] served with hyper (HTTP/1.1) on an ephemeral loopback port, from its own
/// thread and runtime. Dropping it stops the server.
pub struct ReceiverServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ReceiverServer {
    /// Serves `service` on `127.0.0.1`, any path (the receiver checks the last path segment).
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or the thread or runtime cannot be started.
    pub fn start(service: ReceiverService) -> std::io::Result<ReceiverServer> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (stop, mut stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("dynmark-receiver-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    loop {
                        tokio::select! {
                            biased;
                            _ = &mut stopped => break,
                            accepted = listener.accept() => {
                                let Ok((stream, _)) = accepted else {
                                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                                    continue;
                                };
                                let service = service.clone();
                                let service = hyper::service::service_fn(move |request| {
                                    tower_service::Service::call(&mut service.clone(), request)
                                });
                                tokio::spawn(async move {
                                    // A connection that fails only ends itself.
                                    let _ = hyper::server::conn::http1::Builder::new()
                                        .serve_connection(TokioIo::new(stream), service)
                                        .await;
                                });
                            }
                        }
                    }
                });
            })?;
        Ok(ReceiverServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/dynmark`: a base for [`ReceiptUrl::new`](crate::receipts::ReceiptUrl::new).
    pub fn base_url(&self) -> String {
        format!("http://{}/dynmark", self.addr)
    }
}

impl Drop for ReceiverServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for ReceiverServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
