//! The kubegate command-line tool: runs kubectl commands, scripts and raw requests against a
//! workspace's simulated cluster and prints what kubectl prints, or the whole trace as JSON.

use std::io::Read;
use std::process::ExitCode;

/// mimalloc rather than the C library's allocator: the engine's JSON values are many small
/// allocations, and glibc's malloc took a third of a request's instructions and most of its
/// cache misses.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` that ignores a closed pipe (`kubegate … | head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a closed pipe.
macro_rules! complain {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use kubegate::sim::http::HttpRequest;
use kubegate::sim::kubectl::Outcome;
use kubegate::sim::session::Session;
use kubegate::sim::trace::RequestTrace;
use kubegate::sim::workspace::Severity;
use serde_json::json;

/// The workspace used when `-w` is not given.
const DEFAULT_WORKSPACE: &str = include_str!("../../static/workspaces/default.yaml");

const USAGE: &str = "usage:
  kubegate [-w FILE] [--trace json] kubectl ARGS...
  kubegate [-w FILE] [--trace json] script FILE
  kubegate [-w FILE] [--trace json] request METHOD PATH [-H 'Name: value']... [--body FILE|-]
  kubegate [-w FILE] check";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(run(&args))
}

fn run(args: &[String]) -> u8 {
    let mut workspace_file: Option<String> = None;
    let mut trace = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-w" | "--workspace" => {
                let Some(f) = args.get(i + 1) else {
                    complain!("kubegate: -w needs a file\n{USAGE}");
                    return 2;
                };
                workspace_file = Some(f.clone());
                i += 2;
            }
            "--trace" => {
                if args.get(i + 1).map(String::as_str) != Some("json") {
                    complain!("kubegate: --trace takes the value json\n{USAGE}");
                    return 2;
                }
                trace = true;
                i += 2;
            }
            "-h" | "--help" => {
                say!("{USAGE}");
                return 0;
            }
            _ => break,
        }
    }
    let (name, text) = match &workspace_file {
        Some(f)
            if std::fs::metadata(f)
                .is_ok_and(|m| m.len() > kubegate::sim::limits::MAX_WORKSPACE_BYTES as u64) =>
        {
            complain!(
                "{f}:1:1: the workspace is larger than {} bytes, the most kubegate reads",
                kubegate::sim::limits::MAX_WORKSPACE_BYTES
            );
            return 2;
        }
        Some(f) => match std::fs::read(f) {
            Ok(bytes) => match kubegate::sim::yaml::from_utf8(&bytes) {
                Ok(t) => (f.clone(), t.to_string()),
                Err(e) => {
                    complain!("{f}:{}:{}: {}", e.pos.line, e.pos.column, e.message);
                    return 2;
                }
            },
            Err(e) => {
                complain!("kubegate: {f}: {e}");
                return 2;
            }
        },
        None => ("default.yaml".to_string(), DEFAULT_WORKSPACE.to_string()),
    };
    let mut session = match Session::new(&text) {
        Ok(s) => s,
        Err(diags) => {
            for d in diags.iter().filter(|d| d.severity == Severity::Error) {
                complain!("{}", d.render(&name));
            }
            return 2;
        }
    };
    let Some(command) = args.get(i) else {
        complain!("{USAGE}");
        return 2;
    };
    let rest = &args[i + 1..];
    match command.as_str() {
        "check" => {
            for d in &session.warnings {
                complain!("{}", d.render(&name));
            }
            say!("{name}: ok");
            0
        }
        "kubectl" => {
            let stdin = if rest.iter().any(|a| a == "-") {
                read_stdin()
            } else {
                None
            };
            let outcome = session.kubectl_words(rest, stdin.as_deref());
            emit(
                trace,
                &outcome.stdout,
                &outcome.stderr,
                outcome.exit_code,
                &outcome.requests,
                session.minor(),
            )
        }
        "script" => {
            let Some(file) = rest.first() else {
                complain!("kubegate: script needs a FILE\n{USAGE}");
                return 2;
            };
            let script = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => {
                    complain!("kubegate: {file}: {e}");
                    return 2;
                }
            };
            if trace {
                // The JSON document holds every request: collected, then printed once.
                let mut all = Outcome::default();
                session.script_each(&script, &mut |_, o| {
                    all.stdout.push_str(&o.stdout);
                    all.stderr.push_str(&o.stderr);
                    all.exit_code = o.exit_code;
                    all.requests.extend(o.requests);
                });
                return emit(
                    true,
                    &all.stdout,
                    &all.stderr,
                    all.exit_code,
                    &all.requests,
                    session.minor(),
                );
            }
            // Without a trace each command's output is printed as it finishes and forgotten.
            let mut code = 0;
            session.script_each(&script, &mut |_, o| {
                write_out(&o.stdout, &o.stderr);
                code = o.exit_code;
            });
            u8::try_from(code).unwrap_or(1)
        }
        "request" => request(&mut session, rest, trace),
        other => {
            complain!("kubegate: unknown command {other:?}\n{USAGE}");
            2
        }
    }
}

fn read_stdin() -> Option<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).ok().map(|_| s)
}

/// Writes to standard output and error, stopping quietly when the reader has gone
/// (`kubegate … | head`): a closed pipe is not an error worth a panic.
fn write_out(stdout: &str, stderr: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(stdout.as_bytes());
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().lock().write_all(stderr.as_bytes());
}

fn emit(
    trace: bool,
    stdout: &str,
    stderr: &str,
    code: i32,
    requests: &[RequestTrace],
    minor: u32,
) -> u8 {
    if trace {
        // The security card of each pod written, as the page shows it.
        let mut requests = requests.to_vec();
        kubegate::sim::securitycontext::attach(&mut requests, minor);
        let doc = json!({"output": {"stdout": stdout, "stderr": stderr, "exitCode": code}, "requests": requests});
        write_out(
            &format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ),
            "",
        );
    } else {
        write_out(stdout, stderr);
    }
    u8::try_from(code).unwrap_or(1)
}

fn request(session: &mut Session, rest: &[String], trace: bool) -> u8 {
    let (Some(method), Some(path)) = (rest.first(), rest.get(1)) else {
        complain!("kubegate: request needs METHOD and PATH\n{USAGE}");
        return 2;
    };
    let mut req = HttpRequest::new(&method.to_uppercase(), path);
    let mut i = 2;
    while i < rest.len() {
        match (rest[i].as_str(), rest.get(i + 1)) {
            ("-H", Some(h)) => {
                let Some((k, v)) = h.split_once(':') else {
                    complain!("kubegate: header {h:?} is not 'Name: value'");
                    return 2;
                };
                req.headers
                    .push((k.trim().to_string(), v.trim().to_string()));
            }
            ("--body", Some(f)) => {
                let body = if f == "-" {
                    read_stdin()
                } else {
                    std::fs::read_to_string(f).ok()
                };
                let Some(body) = body else {
                    complain!("kubegate: cannot read body {f}");
                    return 2;
                };
                req.body = Some(body);
            }
            (flag, _) => {
                complain!("kubegate: unexpected {flag:?}\n{USAGE}");
                return 2;
            }
        }
        i += 2;
    }
    let t = session.request(&req);
    let body = serde_json::to_string_pretty(&t.response.body).unwrap_or_default();
    let code = if t.response.code < 400 { 0 } else { 1 };
    if trace {
        emit(
            true,
            &format!("{body}\n"),
            "",
            code,
            std::slice::from_ref(&t),
            session.minor(),
        )
    } else {
        write_out(&format!("{body}\n"), "");
        u8::try_from(code).unwrap_or(1)
    }
}
