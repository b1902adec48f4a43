//! The static token file (`--token-auth-file`): a CSV of `token,user,uid,"group1,group2"`.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file>.

use std::collections::HashMap;

use super::UserInfo;

/// A loaded token file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenFile {
    /// The path the flag named.
    pub path: String,
    tokens: HashMap<String, UserInfo>,
    /// Warnings upstream would log while loading (empty or duplicate tokens).
    pub warnings: Vec<String>,
}

/// Why a token file could not be loaded (kube-apiserver would not start).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenFileError {
    /// A row had fewer than three columns.
    #[error("token file '{path}' must have at least 3 columns (token, user name, user uid), found {found}")]
    TooFewColumns {
        /// The file.
        path: String,
        /// How many columns the row had.
        found: usize,
    },
    /// The CSV itself is malformed, as Go's `encoding/csv` reports it.
    #[error("parse error on line {line}, column {column}: {what}")]
    Csv {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        what: String,
    },
}

impl TokenFile {
    /// Loads the file's text with upstream's rules: at least three columns, an optional fourth
    /// split on commas into groups, empty tokens skipped, the last duplicate winning.
    pub fn parse(path: &str, text: &str) -> Result<TokenFile, TokenFileError> {
        let mut file = TokenFile {
            path: path.to_string(),
            ..Default::default()
        };
        let mut record_num = 0;
        for record in read_csv(text)? {
            if record.len() < 3 {
                return Err(TokenFileError::TooFewColumns {
                    path: path.to_string(),
                    found: record.len(),
                });
            }
            record_num += 1;
            if record[0].is_empty() {
                file.warnings.push(format!(
                    "empty token has been found in token file '{path}', record number '{record_num}'"
                ));
                continue;
            }
            let mut user = UserInfo {
                username: record[1].clone(),
                uid: record[2].clone(),
                ..Default::default()
            };
            if record.len() >= 4 {
                user.groups = record[3].split(',').map(str::to_string).collect();
            }
            if file.tokens.insert(record[0].clone(), user).is_some() {
                file.warnings.push(format!(
                    "duplicate token has been found in token file '{path}', record number '{record_num}'"
                ));
            }
        }
        Ok(file)
    }

    /// Read as a static password file (`--basic-auth-file`, same CSV with the password first):
    /// the user, if that user's password is the one given.
    pub fn check_password(&self, user: &str, password: &str) -> Option<UserInfo> {
        self.tokens
            .iter()
            .find(|(pw, info)| info.username == user && pw.as_str() == password)
            .map(|(_, info)| info.clone())
    }

    /// The user a token belongs to (groups as listed; `system:authenticated` comes later).
    pub fn lookup(&self, token: &str) -> Option<UserInfo> {
        self.tokens.get(token).cloned()
    }
}

/// Reads CSV the way Go's `encoding/csv` does with a variable number of fields: blank lines
/// skipped, quoted fields may hold commas and doubled quotes, a bare quote is an error.
fn read_csv(text: &str) -> Result<Vec<Vec<String>>, TokenFileError> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut column = 0;
    let mut at_field_start = true;
    let mut line_has_content = false;
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '"' if at_field_start => {
                line_has_content = true;
                at_field_start = false;
                let start_line = line;
                loop {
                    match chars.next() {
                        Some('"') => {
                            column += 1;
                            if chars.peek() == Some(&'"') {
                                chars.next();
                                column += 1;
                                field.push('"');
                            } else {
                                match chars.peek() {
                                    None | Some(',') | Some('\n') | Some('\r') => break,
                                    Some(_) => {
                                        return Err(TokenFileError::Csv {
                                            line,
                                            column: column + 1,
                                            what: "extraneous or missing \" in quoted-field".into(),
                                        })
                                    }
                                }
                            }
                        }
                        Some('\n') => {
                            line += 1;
                            column = 0;
                            field.push('\n');
                        }
                        Some(other) => {
                            column += 1;
                            field.push(other);
                        }
                        None => {
                            return Err(TokenFileError::Csv {
                                line: start_line,
                                column,
                                what: "extraneous or missing \" in quoted-field".into(),
                            })
                        }
                    }
                }
            }
            '"' => {
                return Err(TokenFileError::Csv {
                    line,
                    column,
                    what: "bare \" in non-quoted-field".into(),
                })
            }
            ',' => {
                line_has_content = true;
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if line_has_content {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                line += 1;
                column = 0;
                at_field_start = true;
                line_has_content = false;
            }
            other => {
                line_has_content = true;
                at_field_start = false;
                field.push(other);
            }
        }
    }
    if line_has_content {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from upstream tokenfile_test.go, rewritten.
    #[test]
    fn lookups_follow_the_file() {
        let f = TokenFile::parse(
            "/t",
            "token1,user1,uid1\ntoken2,user2,uid2\ntoken3,user3,uid3,\"group1,group2\"\ntoken4,user4,uid4,\"group2\"\ntoken5,user5,uid5,group5\ntoken6,user6,uid6,group5,otherdata\ntoken7,user7,uid7,\"group1,group2\",otherdata\n",
        )
        .unwrap();
        let u = f.lookup("token1").unwrap();
        assert_eq!((u.username.as_str(), u.uid.as_str()), ("user1", "uid1"));
        assert!(u.groups.is_empty());
        assert_eq!(f.lookup("token3").unwrap().groups, ["group1", "group2"]);
        assert_eq!(f.lookup("token4").unwrap().groups, ["group2"]);
        assert_eq!(f.lookup("token5").unwrap().groups, ["group5"]);
        assert_eq!(f.lookup("token6").unwrap().groups, ["group5"]);
        assert_eq!(f.lookup("token7").unwrap().groups, ["group1", "group2"]);
        assert_eq!(f.lookup("token8"), None);
    }

    #[test]
    fn too_few_columns_is_an_error() {
        let err = TokenFile::parse("/t", "token1,user1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "token file '/t' must have at least 3 columns (token, user name, user uid), found 2"
        );
    }

    #[test]
    fn empty_and_duplicate_tokens_warn_and_last_wins() {
        let f = TokenFile::parse("/t", ",user1,uid1\ntok,a,1\ntok,b,2\n").unwrap();
        assert_eq!(f.lookup("tok").unwrap().username, "b");
        assert_eq!(f.lookup(""), None);
        assert_eq!(f.warnings.len(), 2);
    }

    #[test]
    fn bare_quotes_are_rejected() {
        let err = TokenFile::parse("/t", "to\"k,a,1\n").unwrap_err();
        assert!(matches!(err, TokenFileError::Csv { line: 1, .. }), "{err}");
    }
}
