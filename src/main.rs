//! Web entry point built by Trunk: mounts the Yew app.

#[cfg(target_arch = "wasm32")]
fn main() {
    kubegate::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kubegate-web is the browser entry point; build it with `trunk build`");
    std::process::exit(2);
}
