//! Where the user name and password come from: `--credentials FILE`, else `DYNMARK_USERNAME`
//! and `DYNMARK_PASSWORD`, else a prompt on the terminal. Never from the command line, where
//! other users and the shell's history would see them.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;

use dynmark_api::Credentials;

/// The variables (and the names in a credentials file).
pub const USERNAME: &str = "DYNMARK_USERNAME";
/// See [`USERNAME`].
pub const PASSWORD: &str = "DYNMARK_PASSWORD";
/// See [`USERNAME`].
pub const BASE_URL: &str = "DYNMARK_BASE_URL";

/// Credentials and, if one was given with them, the service's base URL.
#[derive(Debug)]
pub struct Login {
    /// The user name and password (`Debug` hides the password).
    pub credentials: Credentials,
    /// `DYNMARK_BASE_URL`, from the same place.
    pub base_url: Option<String>,
}

/// Finds the credentials; the error says every way to give them.
pub fn find(file: Option<&Path>) -> Result<Login, String> {
    if let Some(file) = file {
        return from_file(file);
    }
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    let base_url = var(BASE_URL);
    match (var(USERNAME), var(PASSWORD)) {
        (Some(username), Some(password)) => Ok(Login {
            credentials: Credentials::new(username, password),
            base_url,
        }),
        (username, _) => match prompt(username) {
            Some(credentials) => Ok(Login {
                credentials,
                base_url,
            }),
            None => Err(format!(
                "no credentials: set {USERNAME} and {PASSWORD}, or pass --credentials FILE (a \
                 file of lines {USERNAME}=... and {PASSWORD}=...); on a terminal, dynmark asks \
                 for them"
            )),
        },
    }
}

/// Reads `NAME=VALUE` lines (`#` comments, blank lines, an optional `export `, quotes around the
/// value).
fn from_file(path: &Path) -> Result<Login, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the credentials file {}: {e}", path.display()))?;
    let (mut username, mut password, mut base_url) = (None, None, None);
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            return Err(format!(
                "{} line {}: expected NAME=VALUE",
                path.display(),
                number + 1
            ));
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value)
            .to_owned();
        match name.trim() {
            USERNAME => username = Some(value),
            PASSWORD => password = Some(value),
            BASE_URL => base_url = Some(value),
            other => {
                return Err(format!(
                    "{} line {}: unknown name `{other}` (expected {USERNAME}, {PASSWORD} or \
                     {BASE_URL})",
                    path.display(),
                    number + 1
                ));
            }
        }
    }
    match (username, password) {
        (Some(username), Some(password)) => Ok(Login {
            credentials: Credentials::new(username, password),
            base_url,
        }),
        (None, _) => Err(format!("{}: no {USERNAME}=... line", path.display())),
        (_, None) => Err(format!("{}: no {PASSWORD}=... line", path.display())),
    }
}

/// Asks on the terminal, when there is one (not when standard error is redirected).
fn prompt(username: Option<String>) -> Option<Credentials> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let username = match username {
        Some(username) => username,
        None => {
            let mut out = &tty;
            write!(out, "Dynmark user name: ").ok()?;
            out.flush().ok()?;
            let mut line = String::new();
            std::io::BufReader::new(&tty).read_line(&mut line).ok()?;
            line.trim().to_owned()
        }
    };
    let password = rpassword::prompt_password(format!("Dynmark password for {username}: ")).ok()?;
    Some(Credentials::new(username, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credentials_file_is_read_and_its_mistakes_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("dynmark.env");
        std::fs::write(
            &path,
            "# mine\nexport DYNMARK_USERNAME=alice\nDYNMARK_PASSWORD=\"p=ss word\"\n\nDYNMARK_BASE_URL=http://127.0.0.1:9\n",
        )
        .expect("write");
        let login = from_file(&path).expect("read");
        assert_eq!(login.credentials.username(), "alice");
        assert_eq!(login.credentials.password(), "p=ss word");
        assert_eq!(login.base_url.as_deref(), Some("http://127.0.0.1:9"));
        assert!(!format!("{login:?}").contains("p=ss word"));

        std::fs::write(&path, "DYNMARK_USERNAME=alice\nPASSWORD=x\n").expect("write");
        let error = from_file(&path).unwrap_err();
        assert!(error.contains("line 2: unknown name `PASSWORD`"), "{error}");
        std::fs::write(&path, "DYNMARK_USERNAME=alice\n").expect("write");
        assert!(
            from_file(&path)
                .unwrap_err()
                .contains("no DYNMARK_PASSWORD=... line")
        );
    }
}
