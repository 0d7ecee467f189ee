#[derive(dynmark_api::Validate)]
union Bits {
    whole: u32,
    halves: [u16; 2],
}

fn main() {}
