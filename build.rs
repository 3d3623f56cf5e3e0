//! Embeds what `duos init` writes into a new program (src/cmd/init.rs): the
//! default theme, the sample program's surveys and the starter pages, as
//! `(path in the new program, bytes)` in `$OUT_DIR/starter_files.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// (folder of this repository, where its files go in a new program).
const TREES: &[(&str, &str)] = &[
    ("themes/default", "themes/default"),
    ("content/surveys", "content/surveys"),
    ("src/cmd/init/starter", ""),
];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut code = String::from("pub static STARTER_FILES: &[(&str, &[u8])] = &[\n");
    for (from, to) in TREES {
        let root = manifest.join(from);
        println!("cargo:rerun-if-changed={from}");
        let mut files = Vec::new();
        files_under(&root, &mut files);
        for file in files {
            let rel = file.strip_prefix(&root).expect("under its root");
            let rel = rel.to_str().expect("UTF-8 file names").replace('\\', "/");
            let target = if to.is_empty() {
                rel
            } else {
                format!("{to}/{rel}")
            };
            writeln!(
                code,
                "    ({target:?}, include_bytes!({:?})),",
                file.display().to_string()
            )
            .expect("writing to a String");
        }
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("starter_files.rs"), code).expect("writing starter_files.rs");
}
