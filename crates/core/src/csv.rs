//! A small CSV reader for the data files administrators edit (calendars, assignment rules).
//!
//! Comma-separated, RFC 4180 quoting (quoted fields may hold commas, doubled quotes and line
//! breaks), and whole-line `#` comments so each file can document itself. Errors name the line.

/// A malformed CSV file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dòng {line}: {problem}")]
pub struct CsvError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in Vietnamese.
    pub problem: String,
}

impl CsvError {
    fn new(line: usize, problem: impl Into<String>) -> Self {
        Self {
            line,
            problem: problem.into(),
        }
    }
}

/// Splits CSV text into records with the line each starts on. Quoted fields may hold commas,
/// doubled quotes and line breaks.
pub fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // A comment is a whole line starting with '#': skip it before any quote handling.
        if c == '#' && !in_quotes && field.is_empty() && fields.is_empty() {
            for rest in chars.by_ref() {
                if rest == '\n' {
                    break;
                }
            }
            line += 1;
            record_line = line;
            continue;
        }
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                quote_line = line;
            }
            (false, '"') => {
                return Err(CsvError::new(
                    line,
                    "dấu ngoặc kép giữa ô: bọc cả ô trong \"…\" và viết \"\" cho một dấu \"",
                ));
            }
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                records.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if in_quotes {
        return Err(CsvError::new(quote_line, "thiếu dấu ngoặc kép đóng"));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

/// Quotes a field when it needs it.
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field != field.trim() {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_comments_and_line_numbers() {
        let text = "# comment\na,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n";
        let r = records(text).unwrap();
        assert_eq!(r[0], (2, vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(r[1], (3, vec!["x, y".to_owned(), "say \"hi\"".to_owned()]));
        assert_eq!(r[2], (4, vec!["multi\nline".to_owned(), "z".to_owned()]));
        assert_eq!(records("a,\"b\n").unwrap_err().line, 1);
        assert_eq!(records("a,b\"c\n").unwrap_err().line, 1);
    }

    #[test]
    fn quote_round_trips() {
        for f in ["plain", "a,b", "say \"hi\"", " padded "] {
            let line = format!("{},x\n", quote(f));
            assert_eq!(records(&line).unwrap()[0].1[0], f);
        }
    }
}
