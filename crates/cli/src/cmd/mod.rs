//! One module per subcommand.

pub mod calendar;
pub mod gateway;
pub mod id;
pub mod pki;
pub mod regulations;
pub mod serve;
pub mod serve_role;
pub mod signature;

use std::path::PathBuf;

/// Read the `.toml` files named by `paths` as `(name, text)` pairs, the form the core takes;
/// folders are read one level deep, in name order.
pub fn read_sources(paths: &[PathBuf]) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| format!("{}: cannot read the folder: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                .map(|text| (p.display().to_string(), text))
                .map_err(|e| format!("{}: cannot read: {e}", p.display()))
        })
        .collect()
}
