//! The vnode_if generator: reads bsd/sys/kern/vnode_if.src and writes
//! sys/vnode_if.h (argument structs and the VOP_*() calls) and vnode_if.c
//! (the vnodeop descriptors and the table of all of them), both marked
//! "do not edit". Our own code; the input format follows 4.4BSD's.

use std::fmt::Write;

/// One argument of an operation.
pub struct Arg {
    pub ctype: String,
    pub name: String,
    pub willrele: bool,
}

/// One vnode operation.
pub struct Op {
    pub name: String,
    pub args: Vec<Arg>,
}

/// Parses the description file.
pub fn parse(src: &str) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut current: Option<Op> = None;
    for (n, raw) in src.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_suffix('{') {
            assert!(current.is_none(), "vnode_if.src:{}: nested operation", n + 1);
            current = Some(Op { name: name.trim().to_string(), args: Vec::new() });
        } else if line == "};" {
            ops.push(current.take().unwrap_or_else(|| panic!("vnode_if.src:{}: stray '}}'", n + 1)));
        } else {
            let op = current.as_mut().unwrap_or_else(|| panic!("vnode_if.src:{}: argument outside an operation", n + 1));
            let decl = line.strip_suffix(';').unwrap_or_else(|| panic!("vnode_if.src:{}: missing ';'", n + 1));
            let mut words: Vec<&str> = decl.split_whitespace().collect();
            assert!(matches!(words.first(), Some(&"IN" | &"OUT" | &"INOUT")), "vnode_if.src:{}: direction", n + 1);
            words.remove(0);
            let willrele = words.first() == Some(&"WILLRELE");
            if willrele {
                words.remove(0);
            }
            let last = words.pop().expect("argument name");
            let stars = last.chars().take_while(|&c| c == '*').count();
            let name = last[stars..].to_string();
            let ctype = format!("{}{}{}", words.join(" "), if stars > 0 { " " } else { "" }, "*".repeat(stars));
            op.args.push(Arg { ctype, name, willrele });
        }
    }
    assert!(current.is_none(), "vnode_if.src: unterminated operation");
    ops
}

const BANNER: &str = "/*\n * Generated from bsd/sys/kern/vnode_if.src by servers/vfs/build/vnode_if.rs.\n * DO NOT EDIT: edit vnode_if.src instead.\n */\n";

fn is_vnode(a: &Arg) -> bool {
    a.ctype == "struct vnode *"
}

/// The header: argument structs and inline VOP_*() callers.
pub fn header(ops: &[Op]) -> String {
    let mut h = String::from(BANNER);
    h.push_str("#ifndef _SYS_VNODE_IF_H_\n#define _SYS_VNODE_IF_H_\n\n");
    for fwd in ["vnode", "componentname", "vattr", "uio", "ucred", "proc", "buf", "timespec"] {
        let _ = writeln!(h, "struct {fwd};");
    }
    h.push_str("\nextern struct vnodeop_desc vop_default_desc;\n");
    for op in ops {
        let _ = writeln!(h, "\nstruct {}_args {{\n\tstruct vnodeop_desc *a_desc;", op.name);
        for a in &op.args {
            let _ = writeln!(h, "\t{} a_{};", a.ctype, a.name);
        }
        let _ = writeln!(h, "}};\nextern struct vnodeop_desc {}_desc;", op.name);
        let params: Vec<String> = op.args.iter().map(|a| format!("{} {}", a.ctype, a.name)).collect();
        let upper = op.name.to_uppercase();
        let _ = writeln!(h, "static __inline int\n{upper}({})\n{{\n\tstruct {}_args a;\n", params.join(", "), op.name);
        let _ = writeln!(h, "\ta.a_desc = VDESC({});", op.name);
        for a in &op.args {
            let _ = writeln!(h, "\ta.a_{0} = {0};", a.name);
        }
        let first = &op.args[0];
        let target = if first.ctype == "struct buf *" { format!("{}->b_vp", first.name) } else { first.name.clone() };
        let _ = writeln!(h, "\treturn (VCALL({target}, VOFFSET({}), &a));\n}}", op.name);
    }
    h.push_str("\n#endif /* !_SYS_VNODE_IF_H_ */\n");
    h
}

/// The descriptors: offsets of the vnode, vpp, cred, proc and
/// componentname arguments, WILLRELE flags, and the table of all of them.
pub fn source(ops: &[Op]) -> String {
    let mut c = String::from(BANNER);
    c.push_str("#include <sys/param.h>\n#include <sys/mount.h>\n#include <sys/vnode.h>\n\n");
    c.push_str("struct vnodeop_desc vop_default_desc = {\n\t0, \"default\", 0, NULL,\n\tVDESC_NO_OFFSET, VDESC_NO_OFFSET, VDESC_NO_OFFSET, VDESC_NO_OFFSET,\n};\n");
    for (i, op) in ops.iter().enumerate() {
        let n = &op.name;
        let off = |pred: &dyn Fn(&Arg) -> bool| {
            op.args
                .iter()
                .find(|a| pred(a))
                .map(|a| format!("offsetof(struct {n}_args, a_{})", a.name))
                .unwrap_or_else(|| "VDESC_NO_OFFSET".into())
        };
        let _ = write!(c, "\nstatic int {n}_vp_offsets[] = {{\n");
        let mut flags = Vec::new();
        for (k, a) in op.args.iter().filter(|a| is_vnode(a)).enumerate() {
            let _ = writeln!(c, "\toffsetof(struct {n}_args, a_{}),", a.name);
            if a.willrele {
                flags.push(format!("VDESC_VP{k}_WILLRELE"));
            }
        }
        c.push_str("\tVDESC_NO_OFFSET\n};\n");
        if op.args.iter().any(|a| a.ctype == "struct vnode **" && a.willrele) {
            flags.push("VDESC_VPP_WILLRELE".into());
        }
        let flags = if flags.is_empty() { "0".to_string() } else { flags.join(" | ") };
        let _ = writeln!(
            c,
            "struct vnodeop_desc {n}_desc = {{\n\t{}, \"{n}\", {flags}, {n}_vp_offsets,\n\t{}, {}, {}, {},\n}};",
            i + 1,
            off(&|a| a.ctype == "struct vnode **"),
            off(&|a| a.ctype == "struct ucred *"),
            off(&|a| a.ctype == "struct proc *"),
            off(&|a| a.ctype == "struct componentname *"),
        );
    }
    c.push_str("\nstruct vnodeop_desc *vfs_op_descs[] = {\n\t&vop_default_desc,\n");
    for op in ops {
        let _ = writeln!(c, "\t&{}_desc,", op.name);
    }
    c.push_str("\tNULL\n};\n");
    let _ = writeln!(c, "int vfs_opv_numops = {};", ops.len() + 1);
    c
}
