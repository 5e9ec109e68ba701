//! sleep SECONDS: waits (fractions allowed: `sleep 0.25`).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_rt::{outln, time};

molt_rt::entry!(main);

fn main(args: &molt_rt::Args) -> i32 {
    let Some(ms) = args.rest().split_ascii_whitespace().next().and_then(parse_ms) else {
        outln!("usage: sleep SECONDS");
        return 2;
    };
    match time::sleep_ms(ms) {
        Ok(()) => 0,
        Err(e) => {
            outln!("sleep: {}", e.text());
            1
        }
    }
}

/// "12" or "1.5" seconds, in milliseconds.
fn parse_ms(text: &str) -> Option<u64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let secs: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut ms = 0;
    for (i, c) in frac.chars().take(3).enumerate() {
        ms += u64::from(c.to_digit(10)?) * [100, 10, 1][i];
    }
    secs.checked_mul(1000)?.checked_add(ms)
}
