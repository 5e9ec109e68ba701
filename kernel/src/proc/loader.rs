//! Builds a user address space from an ELF executable: its segments with
//! their rights (W^X), a stack, and an argument block on top of the stack.

use crate::mem::vspace::{AddressSpace, Rights, USER_END};
use molt_abi::Error;

/// Top of the initial user stack.
pub const STACK_TOP: u64 = 0x0000_7fff_0000_0000;
/// Size of the initial user stack.
pub const STACK_SIZE: u64 = 256 * 1024;
/// Largest argument block.
pub const MAX_ARGS: usize = 4096;

/// A loaded program, ready to enter.
pub struct Loaded {
    pub space: AddressSpace,
    pub entry: u64,
    pub rsp: u64,
    /// Where the argument block was placed (passed in `rdi`, its length in `rsi`).
    pub args: u64,
}

/// Loads `image` into a fresh address space, with `args` copied to the top
/// of the stack.
pub fn load(image: &[u8], args: &[u8]) -> Result<Loaded, Error> {
    if args.len() > MAX_ARGS {
        return Err(Error::INVAL);
    }
    let elf = molt_kernel_logic::elf::parse(image, USER_END)?;
    let mut space = AddressSpace::new()?;
    for seg in elf.segments() {
        let rights = Rights { write: seg.flags.writable, exec: seg.flags.executable };
        space.map_zeroed(seg.page_start(), seg.page_end() - seg.page_start(), rights)?;
        let bytes = seg.file_bytes(image).ok_or(Error::NOEXEC)?;
        space.fill(seg.vaddr, bytes)?;
    }
    space.map_zeroed(STACK_TOP - STACK_SIZE, STACK_SIZE, Rights { write: true, exec: false })?;
    let args_at = (STACK_TOP - args.len() as u64) & !15;
    space.write(args_at, args)?;
    // As if `_start` had been called: rsp + 8 is 16-byte aligned.
    let rsp = args_at - 8;
    Ok(Loaded { space, entry: elf.entry, rsp, args: args_at })
}
