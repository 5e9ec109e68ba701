//! Memory mechanism: physical frames, page tables, the kernel heap, user
//! address spaces and safe access to user memory.

pub mod frame;
pub mod heap;
pub mod paging;
pub mod phys;
pub mod vspace;
