//! The dashboard's charts: stacked bars drawn as inline SVG on the server. The page's
//! content security policy allows no inline styles, and SVG's presentation attributes are
//! not styles; the figures are in the table beside each chart and in its accessible name,
//! so the chart adds a picture, never information only the eye can get.

use super::texts;
use maud::{html, Markup};
use qyzmet_core::regulation::Choice;
use qyzmet_core::Lang;
use qyzmet_engine::ActionSla;

/// Colours with at least 3:1 against white and each other's neighbours (WCAG 1.4.11).
const MET: &str = "#00703c";
const MISSED: &str = "#a00f1e";
const OVERDUE: &str = "#b35900";
const OPEN: &str = "#505a5f";
/// The scale's answers, worst first: red, amber, then blues to green.
const SCALE: &[&str] = &["#a00f1e", "#b35900", "#1d70b8", "#00703c", "#4c2c92"];

/// One action's deadlines: met, missed, overdue now, open in time.
pub fn deadlines(a: &ActionSla, l: Lang) -> Markup {
    let parts = [
        (a.ended_in_time, MET, texts::met().get(l).to_string()),
        (a.ended_late, MISSED, texts::missed().get(l).to_string()),
        (
            a.open_overdue,
            OVERDUE,
            texts::open_overdue().get(l).to_string(),
        ),
        (
            a.open_in_time,
            OPEN,
            texts::open_in_time().get(l).to_string(),
        ),
    ];
    bar(&parts)
}

/// One question's answers, in the scale's order.
pub fn answers(counts: &[u64], scale: &[Choice], l: Lang) -> Markup {
    let parts: Vec<(u64, &str, String)> = counts
        .iter()
        .zip(scale)
        .enumerate()
        .map(|(i, (n, c))| {
            (
                *n,
                SCALE[i.min(SCALE.len() - 1)],
                c.label.get(l).to_string(),
            )
        })
        .collect();
    bar(&parts)
}

/// A bar 100 units wide, split in proportion to the counts; empty when all are zero.
fn bar(parts: &[(u64, &str, String)]) -> Markup {
    let total: u64 = parts.iter().map(|p| p.0).sum();
    let label: Vec<String> = parts.iter().map(|(n, _, t)| format!("{t}: {n}")).collect();
    let label = label.join(", ");
    let mut x = 0.0_f64;
    let segments: Vec<(f64, f64, &str, &str, u64)> = parts
        .iter()
        .filter(|p| p.0 > 0)
        .map(|(n, colour, t)| {
            let w = 100.0 * *n as f64 / total as f64;
            let s = (x, w, *colour, t.as_str(), *n);
            x += w;
            s
        })
        .collect();
    html! {
        svg.chart role="img" aria-label=(label) viewBox="0 0 100 12" width="160" height="20" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg" {
            rect x="0" y="0" width="100" height="12" fill="#f3f2f1" {}
            @for (x, w, colour, t, n) in &segments {
                rect x=(format!("{x:.2}")) y="0" width=(format!("{w:.2}")) height="12" fill=(colour) {
                    title { (t) ": " (n) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(svg: &str) -> Vec<f64> {
        svg.split("width=\"")
            .skip(3) // before the svg, the svg's own width, the background's
            .map(|s| s.split('"').next().unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn a_bar_splits_in_proportion_and_names_every_figure() {
        let a = ActionSla {
            ended_in_time: 3,
            ended_late: 1,
            open_overdue: 0,
            open_in_time: 4,
            ..ActionSla::default()
        };
        let svg = deadlines(&a, Lang::En).into_string();
        assert_eq!(widths(&svg), vec![37.5, 12.5, 50.0], "{svg}");
        assert!(
            svg.contains(r#"aria-label="Met: 3, Missed: 1, Overdue now: 0, Open, in time: 4""#),
            "{svg}"
        );
        assert!(!svg.contains("style="), "no inline styles: {svg}");
    }

    #[test]
    fn an_empty_bar_has_only_its_background() {
        let svg = deadlines(&ActionSla::default(), Lang::Ru).into_string();
        assert!(widths(&svg).is_empty(), "{svg}");
        assert!(svg.contains("В срок: 0"), "{svg}");
    }
}
