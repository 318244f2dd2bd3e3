//! Check regulation files without the CLI: `cargo run -p qyzmet-core --example check_regulations -- FILE...`

fn main() {
    let mut sources = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        sources.push((path, text));
    }
    let (catalog, diagnostics) = qyzmet_core::regulation::Catalog::from_sources(&sources);
    for d in &diagnostics {
        println!("{d}");
    }
    println!("{} sound, {} problems", catalog.len(), diagnostics.len());
    std::process::exit(if diagnostics.is_empty() { 0 } else { 1 });
}
