//! Checks include/molt/abi.h against the Rust definitions, so C code in
//! bsd/ and the Rust side can never disagree on a number.

use molt_abi::{error::Error, kcall, message, syscall};
use std::collections::HashMap;

fn header_defines() -> HashMap<String, u64> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/molt/abi.h"))
        .expect("abi.h is readable");
    let mut defines = HashMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("#define") {
            continue;
        }
        let (Some(name), Some(value)) = (words.next(), words.next()) else { continue };
        let value = value.trim_end_matches('u');
        let parsed = match value.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => value.parse(),
        };
        if let Ok(v) = parsed {
            defines.insert(name.to_string(), v);
        }
    }
    defines
}

fn expect(defines: &HashMap<String, u64>, name: &str, value: u64) {
    assert_eq!(defines.get(name), Some(&value), "abi.h disagrees on {name}");
}

#[test]
fn header_matches_rust_definitions() {
    let d = header_defines();
    for &(value, name) in message::ALL_TYPES {
        expect(&d, name, value.into());
    }
    for &e in Error::ALL {
        expect(&d, &format!("MOLT_E{}", e.name()), e as u64);
    }
    for &(value, name) in kcall::ALL {
        expect(&d, &format!("MOLT_{name}"), value as u64);
    }
    expect(&d, "MOLT_SYS_NULL", syscall::SYS_NULL as u64);
    expect(&d, "MOLT_SYS_SEND", syscall::SYS_SEND as u64);
    expect(&d, "MOLT_SYS_RECEIVE", syscall::SYS_RECEIVE as u64);
    expect(&d, "MOLT_SYS_CALL", syscall::SYS_CALL as u64);
    expect(&d, "MOLT_SYS_REPLY", syscall::SYS_REPLY as u64);
    expect(&d, "MOLT_SYS_NOTIFY", syscall::SYS_NOTIFY as u64);
    expect(&d, "MOLT_SYS_KCALL", syscall::SYS_KCALL as u64);
    expect(&d, "MOLT_SYS_RECEIVE_NB", syscall::SYS_RECEIVE_NB as u64);
    expect(&d, "MOLT_SYS_YIELD", syscall::SYS_YIELD as u64);
    expect(&d, "MOLT_SYS_DEBUG_WRITE", syscall::SYS_DEBUG_WRITE as u64);
    expect(&d, "MOLT_SYS_REPLY_RECEIVE", syscall::SYS_REPLY_RECEIVE as u64);
    expect(&d, "MOLT_MESSAGE_SIZE", message::MESSAGE_SIZE as u64);
    expect(&d, "MOLT_ENDPOINT_ANY", molt_abi::Endpoint::ANY.0.into());
}

#[test]
fn header_compiles_and_has_the_right_layout() {
    // The C compiler is the other party to the ABI: ask it for the layout.
    let dir = std::env::temp_dir().join(format!("molt-abi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("layout.c");
    std::fs::write(
        &src,
        "#include <molt/abi.h>\n#include <stddef.h>\n\
         _Static_assert(sizeof(struct molt_message) == MOLT_MESSAGE_SIZE, \"size\");\n\
         _Static_assert(offsetof(struct molt_message, m_source) == 4, \"source\");\n\
         _Static_assert(offsetof(struct molt_message, m_payload) == 8, \"payload\");\n",
    )
    .unwrap();
    let out = std::process::Command::new("cc")
        .args(["-fsyntax-only", "-I", concat!(env!("CARGO_MANIFEST_DIR"), "/include")])
        .arg(&src)
        .output()
        .expect("a C compiler is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::mem::offset_of!(molt_abi::Message, payload), 8);
}
