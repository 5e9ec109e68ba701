mod common;
use common::*;
use molt_vfs::{MountOptions, Volume};

#[test]
fn smoke() {
    let s = Scratch::new("smoke");
    let img = s.path("a.img");
    fresh_image(&img, 32 << 20);
    let v = Volume::mount(&img, MountOptions::default()).expect("mount");
    let names: Vec<_> = v.read_dir("/").unwrap().into_iter().map(|e| String::from_utf8(e.name).unwrap()).collect();
    assert_eq!(names, vec![".", "..", "lost+found"]);
    v.mkdir("d", 0o755).unwrap();
    let data = pattern(100_000, 1);
    v.write_file("d/f", &data, 0o644).unwrap();
    assert_eq!(v.read_file("d/f").unwrap(), data);
    assert_eq!(v.stat("d/f").unwrap().size, 100_000);
    v.unmount().unwrap();
    let v = Volume::mount(&img, MountOptions::default()).expect("remount");
    assert_eq!(v.read_file("d/f").unwrap(), data);
    v.unmount().unwrap();
}
