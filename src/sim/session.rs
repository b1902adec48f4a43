//! A session: one workspace booted into a cluster, and the kubectl commands and raw requests
//! run against it in order. The UI and the CLI both drive the engine through this.
//! See <https://kubernetes.io/docs/reference/kubectl/>.

use super::cluster::Cluster;
use super::http::HttpRequest;
use super::kubeconfig::Kubeconfig;
use super::kubectl::{self, Env, Outcome};
use super::trace::RequestTrace;
use super::workspace::{self, Diagnostic};

/// kubectl's working directory on the simulated control-plane node.
pub const HOME: &str = "/root";

/// A booted workspace.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cluster.
    pub cluster: Cluster,
    /// kubectl's kubeconfig (changed by `kubectl config`).
    pub kubeconfig: Kubeconfig,
    /// Warnings from parsing and booting.
    pub warnings: Vec<Diagnostic>,
}

impl Session {
    /// Parses and boots a workspace; errors come back with every diagnostic.
    pub fn new(text: &str) -> Result<Session, Vec<Diagnostic>> {
        let parsed = workspace::parse(text);
        let Some(ws) = parsed.workspace else {
            return Err(parsed.diagnostics);
        };
        let mut warnings = parsed.diagnostics;
        let kubeconfig = ws.kubeconfig.clone();
        match Cluster::boot(ws) {
            Ok((cluster, boot_diags)) => {
                warnings.extend(boot_diags);
                crate::sim::sort::by_key(&mut warnings, &|d| d.pos);
                Ok(Session {
                    cluster,
                    kubeconfig,
                    warnings,
                })
            }
            Err(mut diags) => {
                diags.extend(warnings);
                crate::sim::sort::by_key(&mut diags, &|d| d.pos);
                Err(diags)
            }
        }
    }

    /// Runs one kubectl command line. `$(kubectl …)` inside it is replaced by that command's
    /// output first, as a shell would (`--token=$(kubectl create token robot)`); the inner
    /// command's requests and error output come first in the outcome.
    pub fn kubectl(&mut self, line: &str, stdin: Option<&str>) -> Outcome {
        // `… | base64 -d > file` at the end of the line, as a shell would run it.
        let (line, redirect) = split_redirect(line);
        let (line, decode) = split_base64_pipe(&line);
        let mut out = self.kubectl_substituted(&line, stdin);
        if decode {
            match crate::sim::b64::STANDARD.decode(out.stdout.trim()) {
                Ok(bytes) => out.stdout = String::from_utf8_lossy(&bytes).into_owned(),
                Err(_) => {
                    out.stdout.clear();
                    out.stderr.push_str("base64: invalid input\n");
                    out.exit_code = 1;
                }
            }
        }
        if let Some(path) = redirect {
            let full = if path.starts_with('/') {
                path
            } else {
                format!("{HOME}/{path}")
            };
            let text = std::mem::take(&mut out.stdout);
            self.cluster.control_plane.files.insert(full, text);
        }
        out
    }

    fn kubectl_substituted(&mut self, line: &str, stdin: Option<&str>) -> Outcome {
        let mut before = Outcome::default();
        let line = match self.substitute(line, &mut before) {
            Ok(l) => l,
            Err(e) => {
                before.stderr.push_str(&format!("error: {e}\n"));
                before.exit_code = 1;
                return before;
            }
        };
        let mut out = match kubectl::args::split_words(&line) {
            Ok(words) => self.kubectl_words(&words, stdin),
            Err(e) => Outcome {
                stderr: format!("error: {e}\n"),
                exit_code: 1,
                ..Default::default()
            },
        };
        if !before.requests.is_empty() || !before.stderr.is_empty() {
            before.requests.append(&mut out.requests);
            out.requests = before.requests;
            out.stderr = format!("{}{}", before.stderr, out.stderr);
        }
        out
    }

    /// Expands `$(kubectl …)` command substitutions (not nested), keeping what they did in
    /// `acc`. Only kubectl commands can run here.
    fn substitute(&mut self, line: &str, acc: &mut Outcome) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = line;
        while let Some(start) = rest.find("$(") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else {
                return Err("unexpected EOF while looking for matching `)'".into());
            };
            let inner = after[..end].trim();
            // `… | base64 -d` (a Secret's data) is the one pipe understood.
            let (inner, decode) = match inner.rsplit_once('|') {
                Some((cmd, filter)) => match filter.split_whitespace().collect::<Vec<_>>()[..] {
                    ["base64", "-d" | "--decode"] => (cmd.trim(), true),
                    _ => {
                        return Err(format!(
                            "only `| base64 -d` can follow a command here, not `|{filter}`"
                        ))
                    }
                },
                None => (inner, false),
            };
            if !inner.starts_with("kubectl ") {
                return Err(format!(
                    "only kubectl commands can be substituted here, not `{inner}`"
                ));
            }
            let words = kubectl::args::split_words(inner)?;
            let mut res = self.kubectl_words(&words, None);
            acc.stderr.push_str(&res.stderr);
            acc.requests.append(&mut res.requests);
            let mut text = res.stdout;
            if decode {
                match crate::sim::b64::STANDARD.decode(text.trim()) {
                    Ok(bytes) => text = String::from_utf8_lossy(&bytes).into_owned(),
                    Err(_) => {
                        acc.stderr.push_str("base64: invalid input\n");
                        text.clear();
                    }
                }
            }
            out.push_str(text.trim_end_matches('\n'));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Runs kubectl with arguments already split by a shell.
    pub fn kubectl_words(&mut self, words: &[String], stdin: Option<&str>) -> Outcome {
        let files = self.cluster.control_plane.files.clone();
        let mut env = Env {
            cluster: &mut self.cluster,
            kubeconfig: &mut self.kubeconfig,
            files: &files,
            cwd: HOME,
            stdin,
        };
        kubectl::run_words(&mut env, words)
    }

    /// Runs a script: one kubectl command line per line, in order. Blank lines and `#` comments
    /// are skipped; `<<EOF` here-documents feed the following lines to the command's stdin.
    pub fn script(&mut self, text: &str) -> Vec<(String, Outcome)> {
        let mut results = Vec::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (command, stdin) = match split_heredoc(trimmed) {
                Some((cmd, marker)) => {
                    let mut body = String::new();
                    for l in lines.by_ref() {
                        if l.trim() == marker {
                            break;
                        }
                        body.push_str(l);
                        body.push('\n');
                    }
                    (cmd, Some(body))
                }
                None => (trimmed.to_string(), None),
            };
            let outcome = self.kubectl(&command, stdin.as_deref());
            results.push((command, outcome));
        }
        results
    }

    /// Sends one raw HTTP request.
    pub fn request(&mut self, req: &HttpRequest) -> RequestTrace {
        self.cluster.handle(req)
    }
}

/// Splits `cmd <<EOF` (or `<<'EOF'`, `<<"EOF"`) into the command and the end marker.
/// `cmd > path` → (`cmd`, `path`), for a `>` outside quotes.
fn split_redirect(line: &str) -> (String, Option<String>) {
    let (mut single, mut double) = (false, false);
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '>' if !single && !double => {
                let path = line[i + 1..].trim();
                if !path.is_empty() && !path.contains(char::is_whitespace) {
                    return (line[..i].trim_end().to_string(), Some(path.to_string()));
                }
            }
            _ => {}
        }
    }
    (line.to_string(), None)
}

/// `cmd | base64 -d` → (`cmd`, true), for a pipe outside quotes and `$(…)`.
fn split_base64_pipe(line: &str) -> (String, bool) {
    let (mut single, mut double, mut depth) = (false, false, 0usize);
    let bytes: Vec<char> = line.chars().collect();
    let mut pos = None;
    for (i, c) in bytes.iter().enumerate() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '(' if !single && !double => depth += 1,
            ')' if !single && !double => depth = depth.saturating_sub(1),
            '|' if !single && !double && depth == 0 => pos = Some(i),
            _ => {}
        }
    }
    if let Some(i) = pos {
        let head: String = bytes[..i].iter().collect();
        let tail: String = bytes[i + 1..].iter().collect();
        if matches!(
            tail.split_whitespace().collect::<Vec<_>>()[..],
            ["base64", "-d" | "--decode"]
        ) {
            return (head.trim_end().to_string(), true);
        }
    }
    (line.to_string(), false)
}

pub fn split_heredoc(line: &str) -> Option<(String, String)> {
    let (cmd, rest) = line.rsplit_once("<<")?;
    let marker = rest
        .trim()
        .trim_start_matches('-')
        .trim_matches(|c| c == '\'' || c == '"');
    if marker.is_empty() || marker.contains(char::is_whitespace) {
        return None;
    }
    Some((cmd.trim().to_string(), marker.to_string()))
}
