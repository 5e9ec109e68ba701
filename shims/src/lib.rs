//! Kernel services for the BSD C code (see ../shared design, section 1).
