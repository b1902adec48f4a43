//! kubectl's output for the newest command, as a terminal shows it: stdout, then stderr in its
//! own colour, and the exit code.

use std::rc::Rc;

use yew::prelude::*;

use super::state::Run;

/// Properties of [`Output`].
#[derive(Properties, PartialEq)]
pub struct OutputProps {
    /// The run shown, if any.
    pub run: Option<Rc<Run>>,
}

/// The terminal pane.
#[function_component(Output)]
pub fn output(props: &OutputProps) -> Html {
    let Some(run) = &props.run else {
        return html! {
            <div class="terminal empty">
                <pre id="output" class="output"></pre>
                <p class="exit">{ "exit code " }<span id="exit-code"></span></p>
            </div>
        };
    };
    html! {
        <div class="terminal" role="log" aria-label="kubectl output">
            <pre id="output" class="output"><span class="prompt">{ format!("$ {}\n", run.command) }</span>{ &run.outcome.stdout }<span class="stderr">{ &run.outcome.stderr }</span></pre>
            <p class="exit">{ "exit code " }<span id="exit-code" data-exit-code={run.outcome.exit_code.to_string()}>{ run.outcome.exit_code }</span></p>
            if !run.outcome.requests.is_empty() {
                <p id="written" class="muted">{ match super::state::writes(&run.outcome).as_slice() {
                    [] => "Nothing written to the cluster.".to_string(),
                    w => format!("Written to the cluster: {}.", w.iter().map(|w| format!("{}/{} {}", w.resource, w.name, w.how)).collect::<Vec<_>>().join(", ")),
                } }</p>
            }
            if run.summarized {
                <p class="muted" id="summarized">{ format!("An older command: only the start of its output is kept, and not its requests (the newest {} commands keep theirs).", super::state::DETAIL_KEPT) }</p>
            }
        </div>
    }
}
