//! The pattern every form follows (GOV.UK's): when the server finds problems, an error
//! summary at the top of the page lists each with a link to its field, and each field shows
//! its own message between its label and the input, tied to it by `aria-describedby`, the
//! input marked `aria-invalid`. The summary takes the focus (`autofocus` on a region with
//! `role=alert`) so that screen readers announce it.

use crate::words;
use maud::{html, Markup};
use qyzmet_core::{Lang, Text};

/// The problems of a submitted form: field name → message, in the form's order. A problem
/// with no field (e.g. the signature) has an empty name and links to nothing.
#[derive(Debug, Clone, Default)]
pub struct Problems(pub Vec<(String, Text)>);

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The status of the page that shows a form with these problems: 422 when there are any.
    pub fn status(&self) -> axum::http::StatusCode {
        if self.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    pub fn add(&mut self, field: impl Into<String>, message: Text) {
        self.0.push((field.into(), message));
    }

    /// The first message for `field`.
    pub fn of(&self, field: &str) -> Option<&Text> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

/// The id of field `name`'s input (what the summary links to).
pub fn id(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("f-{safe}")
}

/// The summary at the top of the page; nothing when there are no problems.
pub fn summary(lang: Lang, problems: &Problems) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
                h2 #error-summary-title { (words::there_is_a_problem().get(lang)) }
                ul {
                    @for (field, message) in &problems.0 {
                        li {
                            @if field.is_empty() {
                                (message.get(lang))
                            } @else {
                                a href={ "#" (id(field)) } { (message.get(lang)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What kind of control a field is.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `<input type=…>`: text, email, tel, date, password, number.
    Input(&'static str),
    /// Radio buttons in a fieldset: value and label.
    Radios(Vec<(String, String)>),
    /// A file; the name of the file already attached, if any.
    File { attached: Option<String> },
}

/// One field of a form with everything the browser checks before the server does.
#[derive(Debug, Clone)]
pub struct Control {
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub kind: Kind,
    pub value: String,
    pub required: bool,
    /// Show "(optional)" after the label (for fields not required).
    pub mark_optional: bool,
    pub pattern: Option<String>,
    pub minlength: Option<u32>,
    pub maxlength: Option<u32>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub readonly: bool,
    pub autocomplete: Option<&'static str>,
    pub inputmode: Option<&'static str>,
    pub accept: Option<String>,
    /// Shown only while field `.0` equals `.1` (portal.js hides it otherwise).
    pub when: Option<(String, String)>,
}

impl Control {
    /// A plain input of `kind` with a label.
    pub fn new(name: &str, label: &str, kind: Kind) -> Control {
        Control {
            name: name.into(),
            label: label.into(),
            hint: None,
            error: None,
            kind,
            value: String::new(),
            required: false,
            mark_optional: false,
            pattern: None,
            minlength: None,
            maxlength: None,
            min: None,
            max: None,
            readonly: false,
            autocomplete: None,
            inputmode: None,
            accept: None,
            when: None,
        }
    }

    /// The control as HTML: label, hint, error, input.
    pub fn render(&self, lang: Lang) -> Markup {
        let id = id(&self.name);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let mut described = Vec::new();
        if self.hint.is_some() {
            described.push(hint_id.clone());
        }
        if self.error.is_some() {
            described.push(error_id.clone());
        }
        let described = (!described.is_empty()).then(|| described.join(" "));
        let invalid = self.error.as_ref().map(|_| "true");
        let optional = (self.mark_optional && !self.required).then(words::optional);
        let label = html! {
            (self.label)
            @if let Some(o) = &optional { " " span.optional { (o.get(lang)) } }
        };
        let hint = html! {
            @if let Some(h) = &self.hint { p.hint id=(hint_id) { (h) } }
        };
        let error = html! {
            @if let Some(e) = &self.error {
                p.field-error id=(error_id) {
                    span.visually-hidden { (words::error_prefix().get(lang)) " " }
                    (e)
                }
            }
        };
        let (when_field, when_equals) = match &self.when {
            Some((f, v)) => (Some(f.as_str()), Some(v.as_str())),
            None => (None, None),
        };
        let class = if self.error.is_some() {
            "field field--error"
        } else {
            "field"
        };
        html! {
            div class=(class) data-when-field=[when_field] data-when-equals=[when_equals] {
                @match &self.kind {
                    Kind::Radios(options) => {
                        fieldset aria-describedby=[described.as_deref()] {
                            legend { (label) }
                            (hint) (error)
                            @for (i, (value, text)) in options.iter().enumerate() {
                                @let rid = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                                div.radio {
                                    input type="radio" id=(rid) name=(self.name) value=(value)
                                        checked[*value == self.value] required[self.required]
                                        aria-invalid=[invalid];
                                    label for=(rid) { (text) }
                                }
                            }
                        }
                    }
                    Kind::File { attached } => {
                        label for=(id) { (label) }
                        (hint) (error)
                        @if let Some(a) = attached {
                            p.attached { (words::already_attached().get(lang)) " " strong { (a) } }
                        }
                        input type="file" id=(id) name=(self.name) accept=[self.accept.as_deref()]
                            required[self.required && attached.is_none()]
                            aria-describedby=[described.as_deref()] aria-invalid=[invalid];
                    }
                    Kind::Input(kind) => {
                        label for=(id) { (label) }
                        (hint) (error)
                        input type=(kind) id=(id) name=(self.name) value=(self.value)
                            required[self.required] readonly[self.readonly]
                            pattern=[self.pattern.as_deref()]
                            minlength=[self.minlength] maxlength=[self.maxlength]
                            min=[self.min.as_deref()] max=[self.max.as_deref()]
                            autocomplete=[self.autocomplete] inputmode=[self.inputmode]
                            spellcheck=[(*kind == "email" || *kind == "password").then_some("false")]
                            aria-describedby=[described.as_deref()] aria-invalid=[invalid];
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_next_to_its_field_and_in_the_summary() {
        let mut p = Problems::default();
        p.add(
            "applicant_email",
            Text::new("қате пошта", "неверная почта", "wrong e-mail"),
        );
        let s = summary(Lang::Ru, &p).into_string();
        assert!(s.contains(r##"href="#f-applicant-email""##), "{s}");
        assert!(s.contains("неверная почта"));
        let mut c = Control::new("applicant_email", "Почта", Kind::Input("email"));
        c.error = p.of("applicant_email").map(|t| t.get(Lang::Ru).to_string());
        c.value = "<script>".into();
        let html = c.render(Lang::Ru).into_string();
        assert!(html.contains(r#"aria-invalid="true""#), "{html}");
        assert!(html.contains(r#"aria-describedby="f-applicant-email-error""#));
        assert!(html.contains(r#"id="f-applicant-email-error""#));
        assert!(
            html.contains("&lt;script&gt;"),
            "values are escaped: {html}"
        );
    }

    #[test]
    fn no_problems_no_summary() {
        assert_eq!(summary(Lang::En, &Problems::default()).into_string(), "");
    }
}
