//! The numpy reference outputs committed beside a chapter crate (`reference/numpy-output.txt`,
//! written by the numpy script beside it): one line per quantity, its name and then its values
//! in Python's `repr()` form, which parses back to the very same `f64`.
//!
//! Tests embed the file (`include_str!("../reference/numpy-output.txt")`) and compare the
//! chapter's results with it, so the numbers a test asserts are the numbers numpy printed;
//! `.ci/numpy-check` re-runs the scripts and compares their output with the committed files.

/// A parsed reference output: named rows of numbers, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct NumpyReference {
    rows: Vec<(String, Vec<f64>)>,
}

impl NumpyReference {
    /// Parses `name value value …` lines; blank lines are skipped.
    ///
    /// # Errors
    /// A line whose values are not numbers, or a name that comes twice.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let mut words = line.split_whitespace();
            let Some(name) = words.next() else {
                continue;
            };
            let values = words
                .map(|word| {
                    word.parse::<f64>().map_err(|_| {
                        format!("line {}: `{word}` is not a number: {line}", number + 1)
                    })
                })
                .collect::<Result<Vec<f64>, String>>()?;
            if rows.iter().any(|(seen, _)| seen == name) {
                return Err(format!("line {}: `{name}` comes twice", number + 1));
            }
            rows.push((name.to_string(), values));
        }
        Ok(Self { rows })
    }

    /// The values of the row `name`.
    ///
    /// # Errors
    /// When there is no such row: the message lists the names there are.
    pub fn values(&self, name: &str) -> Result<&[f64], String> {
        self.rows
            .iter()
            .find(|(row, _)| row == name)
            .map(|(_, values)| values.as_slice())
            .ok_or_else(|| {
                let names: Vec<&str> = self.rows.iter().map(|(n, _)| n.as_str()).collect();
                format!(
                    "no `{name}` in the numpy reference output (it has {})",
                    names.join(", ")
                )
            })
    }

    /// The single value of the row `name`.
    ///
    /// # Errors
    /// When there is no such row, or it does not hold exactly one value.
    pub fn value(&self, name: &str) -> Result<f64, String> {
        match self.values(name)? {
            [value] => Ok(*value),
            values => Err(format!(
                "`{name}` holds {} values in the numpy reference output, not one",
                values.len()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parse_to_the_same_f64() {
        let reference = NumpyReference::parse(
            "a1 0.6704011598088686 0.7349725994665188\n\nlr 2.232225966401754e-05\n",
        )
        .unwrap();
        assert_eq!(
            reference.values("a1").unwrap(),
            &[0.6704011598088686, 0.7349725994665188]
        );
        assert_eq!(reference.value("lr").unwrap(), 2.232225966401754e-05);
        assert!(reference.value("a1").unwrap_err().contains("2 values"));
        assert!(reference.values("b").unwrap_err().contains("has a1, lr"));
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(
            NumpyReference::parse("a x")
                .unwrap_err()
                .contains("`x` is not a number")
        );
        assert!(
            NumpyReference::parse("a 1\na 2")
                .unwrap_err()
                .contains("comes twice")
        );
    }
}
