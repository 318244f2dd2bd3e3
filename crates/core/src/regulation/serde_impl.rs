//! Hand-written deserializers for the model's either-or values, so that a wrong value gets the
//! real reason (e.g. why a deadline does not parse) instead of serde's "did not match any
//! variant".

use super::model::{Branch, EndMarker, Given, Next, Origin, SeedMarker, Target};
use serde::de::{DeserializeOwned, Error};
use serde::{Deserialize, Deserializer};
use toml::Value;

fn is_end(v: &Value) -> bool {
    v.as_str() == Some("end")
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Given<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        if let Some(table) = value.as_table() {
            if let Some(reason) = table.get("unset") {
                if table.len() != 1 {
                    return Err(D::Error::custom(
                        "`unset` stands alone: a value is either given or unset with a reason",
                    ));
                }
                return match reason.as_str() {
                    Some(r) => Ok(Given::Unset {
                        unset: r.to_string(),
                    }),
                    None => Err(D::Error::custom(
                        "`unset` takes the reason as text, e.g. { unset = \"not in the seed\" }",
                    )),
                };
            }
        }
        T::deserialize(value)
            .map(Given::Value)
            .map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        target(&value).map_err(D::Error::custom)
    }
}

fn target(value: &Value) -> Result<Target, String> {
    if is_end(value) {
        return Ok(Target::End(EndMarker::End));
    }
    match value.as_integer() {
        Some(n) if n > 0 && n <= u32::MAX as i64 => Ok(Target::To(n as u32)),
        _ => Err(format!(
            "expected an action number or \"end\", found {value}"
        )),
    }
}

impl<'de> Deserialize<'de> for Next {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        if let Some(items) = value.as_array() {
            let branches = items
                .iter()
                .map(|b| Branch::deserialize(b.clone()).map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(D::Error::custom)?;
            return Ok(Next::Branches(branches));
        }
        match target(&value) {
            Ok(Target::End(m)) => Ok(Next::End(m)),
            Ok(Target::To(n)) => Ok(Next::To(n)),
            Err(_) => Err(D::Error::custom(format!(
                "`next` is an action number, \"end\", or a list of branches like [{{ on = \"positive\", to = 5 }}]; found {value}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        if value.as_str() == Some("seed") {
            return Ok(Origin::Seed(SeedMarker::Seed));
        }
        if let Some(table) = value.as_table() {
            if let (1, Some(Value::String(why))) = (table.len(), table.get("added")) {
                return Ok(Origin::Added { added: why.clone() });
            }
        }
        Err(D::Error::custom(format!(
            "`origin` is \"seed\" or {{ added = \"why the platform adds it\" }}; found {value}"
        )))
    }
}
