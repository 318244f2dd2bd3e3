//! Headless Chromium for the pages' tests: chromedriver on a free port, a session with a
//! phone's screen, and the few steps every page test takes, each waiting for the page a
//! click leads to. Chromium and chromedriver are Debian's (`bash scripts/setup.sh` installs
//! them); without them a test fails, it is never skipped.
#![allow(dead_code)]

use fantoccini::{Client as Browser, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port, ended with the test.
pub struct Driver(Child, pub u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn driver() -> Driver {
    for p in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(p).exists(),
            "{p} is missing: `bash scripts/setup.sh` installs Debian's chromium and chromium-driver"
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver(child, port)
}

pub async fn browser(port: u16) -> Browser {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=412,915", "--lang=ru"],
        }
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session")
}

/// The text of the first element `css` finds, once there is one (found again if the page
/// it was found on was replaced meanwhile: a click that navigates has not always finished).
pub async fn text(b: &Browser, css: &str) -> String {
    let start = Instant::now();
    loop {
        let found = b
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await;
        let e = match found {
            Ok(e) => e,
            Err(e) => panic!("{css}: {e}\n{}", b.source().await.unwrap_or_default()),
        };
        match e.text().await {
            Ok(t) => return t,
            Err(e) if start.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{css}: {e}"),
        }
    }
}

/// The text of the first element `css` finds once it holds `want`, or whatever it holds after
/// 20 s: a click that loads the same page again leaves the old page's text in place until the
/// new one has come.
pub async fn text_with(b: &Browser, css: &str, want: &str) -> String {
    let start = Instant::now();
    loop {
        let now = text(b, css).await;
        if now.contains(want) || start.elapsed() > Duration::from_secs(20) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Wait for the page whose heading is `want` (the one a click or a submit leads to).
pub async fn heading(b: &Browser, want: &str) {
    let start = Instant::now();
    loop {
        let now = text(b, "h1").await;
        if now == want {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the heading is {now:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn fill(b: &Browser, css: &str, value: &str) {
    let e = b.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

pub async fn click(b: &Browser, css: &str) {
    b.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub async fn body(b: &Browser) -> String {
    text(b, "body").await
}

/// Log in at the staff's log-in page (`/agency/login`, in Russian) as `login`.
pub async fn staff_log_in(b: &Browser, base: &str, login: &str, password: &str) {
    b.goto(&format!("{base}/agency/login?lang=ru"))
        .await
        .unwrap();
    heading(b, "Вход сотрудника").await;
    fill(b, "#f-login", login).await;
    fill(b, "#f-password", password).await;
    click(b, "form[action='/agency/login'] button").await;
    text(b, ".user").await;
}

/// Log out from the page's header, and wait for the page it leads to (one without anyone
/// logged in): the next `goto` must not race the log-out's own navigation.
pub async fn log_out(b: &Browser) {
    click(b, ".user button").await;
    let start = Instant::now();
    while b.find(Locator::Css(".user")).await.is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "still logged in after logging out"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Wait until the element `css` says `want` (the page a form's POST leads to), reloading
/// the page between looks when what is awaited arrives by itself (a notice).
pub async fn says(b: &Browser, css: &str, want: &str, reload: bool) {
    let start = Instant::now();
    loop {
        let now = text(b, css).await;
        if now.contains(want) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{css} says {now:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        if reload {
            b.refresh().await.unwrap();
        }
    }
}

/// Choose `key` as the signing form's key file.
pub async fn pick_key(b: &Browser, key: &Path) {
    let input = b.find(Locator::Css("#f-keyfile")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(key.to_str().unwrap()).await.unwrap();
}

/// Sign on the page's signing form with `key` and its password.
pub async fn sign_with(b: &Browser, key: &Path, password: &str) {
    pick_key(b, key).await;
    fill(b, "#f-password", password).await;
    click(b, "#sign button[type=submit]").await;
}
