//! Writing the output: into a temporary folder beside OUT, then swapped in,
//! so the previous OUT stays whole when a build fails.

use crate::diagnostics::Diagnostic;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where rendered files go: a folder, or nowhere (`duos check`).
#[derive(Debug, Clone)]
pub enum Sink {
    Dir(PathBuf),
    Discard,
}

impl Sink {
    /// Writes `bytes` to `rel` (relative to the output root), creating folders.
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Discard => Ok(()),
            Sink::Dir(base) => {
                let path = base.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, bytes)
            }
        }
    }

    /// Copies the file `from` to `rel`.
    pub fn copy(&self, from: &Path, rel: &Path) -> io::Result<()> {
        match self {
            Sink::Discard => Ok(()),
            Sink::Dir(base) => {
                let path = base.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::copy(from, path).map(|_| ())
            }
        }
    }
}

/// A temporary output folder that becomes OUT on `commit`.
pub struct Staging {
    pub tmp: PathBuf,
    out: PathBuf,
    done: bool,
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    parent.join(format!(".{name}.{tag}-{}-{nanos}", std::process::id()))
}

impl Staging {
    /// Creates the temporary folder beside `out` (and `out`'s parent).
    pub fn new(out: &Path) -> Result<Staging, Diagnostic> {
        if out.exists() && !out.is_dir() {
            return Err(Diagnostic::new(
                out,
                "output path exists and is not a folder",
            ));
        }
        let tmp = sibling(out, "tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| {
            Diagnostic::new(
                &tmp,
                format!("cannot create the temporary output folder: {e}"),
            )
        })?;
        Ok(Staging {
            tmp,
            out: out.to_path_buf(),
            done: false,
        })
    }

    /// Swaps the finished folder in place of OUT.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        let fail = |what: &str, e: io::Error| Diagnostic::new(&self.out, format!("{what}: {e}"));
        let old = sibling(&self.out, "old");
        let had_old = self.out.exists();
        if had_old {
            std::fs::rename(&self.out, &old)
                .map_err(|e| fail("cannot move the previous output aside", e))?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            if had_old {
                let _ = std::fs::rename(&old, &self.out);
            }
            return Err(fail("cannot move the new output in place", e));
        }
        self.done = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
