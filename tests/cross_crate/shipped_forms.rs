//! The shipped questionnaires load in the engine and are published and
//! listed by the server.

use std::path::PathBuf;

use fieldform_engine::model::Form;

fn forms_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../forms")
}

fn shipped_form_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(forms_dir())
        .expect("forms/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".form.json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_form_loads() {
    let files = shipped_form_files();
    assert!(
        files.len() >= 2,
        "expected the two shipped questionnaires, found {files:?}"
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let form = Form::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            form.to_json(),
            text,
            "{} is not in canonical form",
            path.display()
        );
        let compiled = fieldform_engine::compile::compile(&form)
            .unwrap_or_else(|errors| panic!("{}: {errors:#?}", path.display()));
        for warning in &compiled.warnings {
            println!("{}: warning: {warning}", path.display());
        }
    }
}

/// Every shipped form can be filled in: a fresh state validates with a
/// message for every issue in every language, and round-trips as a response.
#[test]
fn every_shipped_form_runs_in_every_language() {
    use std::sync::Arc;

    use fieldform_engine::env::FixedEnvironment;
    use fieldform_engine::response::Status;
    use fieldform_engine::state::FormState;
    use fieldform_engine::validate::validate;

    let env = FixedEnvironment::default();
    for path in shipped_form_files() {
        let form =
            Form::from_json(&std::fs::read_to_string(&path).expect("readable")).expect("loads");
        let compiled = Arc::new(fieldform_engine::compile::compile(&form).expect("compiles"));
        let mut state = FormState::new(compiled.clone(), &env);
        for lang in &form.languages {
            state.set_language(&lang.code, &env).expect("language");
            for issue in validate(&state, &lang.code) {
                assert!(
                    !issue.message.is_empty(),
                    "{}: empty message for {}",
                    path.display(),
                    issue.path
                );
            }
        }
        state
            .set_language(&form.default_language, &env)
            .expect("language");
        let response = state.to_response(Status::Draft, &env);
        let back = FormState::from_response(compiled, &response, &env).expect("reloads");
        // `end` is stamped by to_response, so compare what a reload would submit.
        let again = back.to_response(Status::Draft, &env);
        assert_eq!(again.to_json(), response.to_json(), "{}", path.display());
    }
}

#[tokio::test]
async fn the_server_publishes_and_lists_the_shipped_forms() {
    let data = tempfile::tempdir().expect("tempdir");
    let config = fieldform_server::config::Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data.path().to_path_buf(),
        database_url: None,
        forms_dir: Some(forms_dir()),
        app_dir: data.path().join("no-app"),
    };
    let server = fieldform_server::start(config.clone())
        .await
        .expect("server starts");
    assert!(server.new_admin.is_some(), "first start creates an admin");
    let url = format!("http://{}/api/forms", server.addr);
    let body = fetch(&url).await;
    let list: serde_json::Value = serde_json::from_str(&body).expect("json");
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(ids.len(), shipped_form_files().len(), "{ids:?}");
    server.shutdown().await.expect("clean shutdown");

    // A restart publishes nothing twice and creates no second admin.
    let server = fieldform_server::start(config).await.expect("restarts");
    assert!(server.new_admin.is_none());
    let url = format!("http://{}/api/forms", server.addr);
    let again: serde_json::Value = serde_json::from_str(&fetch(&url).await).expect("json");
    assert_eq!(again.as_array().map(Vec::len), Some(ids.len()));
    server.shutdown().await.expect("clean shutdown");
}

/// A minimal HTTP/1.1 GET over a raw socket: enough for a loopback test
/// without pulling an HTTP client into the build.
async fn fetch(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest.split_once('/').expect("path");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("headers");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_owned()
}

/// Each shipped form also ships as the XLSForm workbook that the exporter
/// makes of it (regenerate with `fieldform form export-xlsform
/// forms/<id>.form.json`), and that workbook imports back to the same form.
#[test]
fn every_shipped_form_has_its_exported_xlsform() {
    for path in shipped_form_files() {
        let form =
            Form::from_json(&std::fs::read_to_string(&path).expect("readable")).expect("loads");
        let workbook = forms_dir().join(format!("{}.xlsx", form.id));
        let shipped = std::fs::read(&workbook).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; export it from {}",
                workbook.display(),
                path.display()
            )
        });
        let exported = fieldform_xlsform::export_xlsx(&form).expect("exports");
        assert!(
            shipped == exported,
            "{} is not the export of {}: regenerate it with `fieldform form export-xlsform`",
            workbook.display(),
            path.display()
        );
        let imported = fieldform_xlsform::import_path(&workbook)
            .unwrap_or_else(|e| panic!("{}: {e}", workbook.display()));
        assert_eq!(
            imported.form,
            form,
            "{} does not import back to the same form",
            workbook.display()
        );
        assert!(
            imported.warnings.is_empty(),
            "{}: {:?}",
            workbook.display(),
            imported.warnings
        );
    }
}
