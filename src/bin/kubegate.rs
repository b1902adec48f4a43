//! The kubegate command-line tool: runs kubectl commands, scripts and raw requests against a
//! workspace's simulated cluster and prints what kubectl prints, or the whole trace as JSON.

use std::io::Read;
use std::process::ExitCode;

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
                    eprintln!("kubegate: -w needs a file\n{USAGE}");
                    return 2;
                };
                workspace_file = Some(f.clone());
                i += 2;
            }
            "--trace" => {
                if args.get(i + 1).map(String::as_str) != Some("json") {
                    eprintln!("kubegate: --trace takes the value json\n{USAGE}");
                    return 2;
                }
                trace = true;
                i += 2;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
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
            eprintln!(
                "{f}:1:1: the workspace is larger than {} bytes, the most kubegate reads",
                kubegate::sim::limits::MAX_WORKSPACE_BYTES
            );
            return 2;
        }
        Some(f) => match std::fs::read(f) {
            Ok(bytes) => match kubegate::sim::yaml::from_utf8(&bytes) {
                Ok(t) => (f.clone(), t.to_string()),
                Err(e) => {
                    eprintln!("{f}:{}:{}: {}", e.pos.line, e.pos.column, e.message);
                    return 2;
                }
            },
            Err(e) => {
                eprintln!("kubegate: {f}: {e}");
                return 2;
            }
        },
        None => ("default.yaml".to_string(), DEFAULT_WORKSPACE.to_string()),
    };
    let mut session = match Session::new(&text) {
        Ok(s) => s,
        Err(diags) => {
            for d in diags.iter().filter(|d| d.severity == Severity::Error) {
                eprintln!("{}", d.render(&name));
            }
            return 2;
        }
    };
    let Some(command) = args.get(i) else {
        eprintln!("{USAGE}");
        return 2;
    };
    let rest = &args[i + 1..];
    match command.as_str() {
        "check" => {
            for d in &session.warnings {
                eprintln!("{}", d.render(&name));
            }
            println!("{name}: ok");
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
            )
        }
        "script" => {
            let Some(file) = rest.first() else {
                eprintln!("kubegate: script needs a FILE\n{USAGE}");
                return 2;
            };
            let script = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("kubegate: {file}: {e}");
                    return 2;
                }
            };
            let results = session.script(&script);
            let mut all = Outcome::default();
            for (_, o) in results {
                all.stdout.push_str(&o.stdout);
                all.stderr.push_str(&o.stderr);
                all.exit_code = o.exit_code;
                all.requests.extend(o.requests);
            }
            emit(
                trace,
                &all.stdout,
                &all.stderr,
                all.exit_code,
                &all.requests,
            )
        }
        "request" => request(&mut session, rest, trace),
        other => {
            eprintln!("kubegate: unknown command {other:?}\n{USAGE}");
            2
        }
    }
}

fn read_stdin() -> Option<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).ok().map(|_| s)
}

fn emit(trace: bool, stdout: &str, stderr: &str, code: i32, requests: &[RequestTrace]) -> u8 {
    if trace {
        let doc = json!({"output": {"stdout": stdout, "stderr": stderr, "exitCode": code}, "requests": requests});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print!("{stdout}");
        eprint!("{stderr}");
    }
    u8::try_from(code).unwrap_or(1)
}

fn request(session: &mut Session, rest: &[String], trace: bool) -> u8 {
    let (Some(method), Some(path)) = (rest.first(), rest.get(1)) else {
        eprintln!("kubegate: request needs METHOD and PATH\n{USAGE}");
        return 2;
    };
    let mut req = HttpRequest::new(&method.to_uppercase(), path);
    let mut i = 2;
    while i < rest.len() {
        match (rest[i].as_str(), rest.get(i + 1)) {
            ("-H", Some(h)) => {
                let Some((k, v)) = h.split_once(':') else {
                    eprintln!("kubegate: header {h:?} is not 'Name: value'");
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
                    eprintln!("kubegate: cannot read body {f}");
                    return 2;
                };
                req.body = Some(body);
            }
            (flag, _) => {
                eprintln!("kubegate: unexpected {flag:?}\n{USAGE}");
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
        )
    } else {
        println!("{body}");
        u8::try_from(code).unwrap_or(1)
    }
}
