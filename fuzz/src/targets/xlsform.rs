//! Target 2: the XLSForm importer from raw bytes (`import_bytes`, as an
//! upload reaches it), for every format it reads; the file name's extension
//! chooses the reader. A form that imports is compiled, and exported and
//! imported again (the documented `import(export(form)) == form`).
//!
//! Seeds: small workbooks made here (the roster exported, an .ods, CSV and
//! markdown), the shipped `forms/*.xlsx`, and the shared conformance corpus
//! (`../shared/xlsforms`, read where it lies: its README asks that it not be
//! copied). Besides byte edits, a zip-aware mutator opens an .xlsx/.ods,
//! edits one XML part (cell references and ranges pushed to the sheet's
//! limits, rows repeated, bytes changed) and zips it again with valid CRCs,
//! which byte flips alone would almost never get past.

use std::io::{Cursor, Read, Write};

use fieldform_engine::compile::compile;
use fieldform_engine::model::Form;
use fieldform_xlsform::{export_xlsx, import_bytes};

use super::form_files;
use crate::rng::Rng;
use crate::{Input, MAX_INPUT, Target, class, mutate, workspace_dir};

pub static TARGET: Target = Target {
    name: "xlsform",
    run,
    seeds,
    generate,
    mutate: Some(mutate_zip),
    dictionary: &[
        "survey",
        "choices",
        "settings",
        "type",
        "name",
        "label",
        "begin repeat",
        "end repeat",
        "begin group",
        "end group",
        "select_one l",
        "select_multiple l or_other",
        "integer",
        "calculate",
        "${a}",
        "repeat_count",
        "relevance",
        "constraint",
        "label::English (en)",
        "label::Română (ro)",
        "list_name",
        "default_language",
        "form_id",
        ",",
        "\"",
        "\n",
        "|",
        "\r\n",
        "\u{feff}",
    ],
};

fn run(input: &Input) -> String {
    let imported = match import_bytes(&input.name, &input.bytes) {
        Ok(i) => i,
        Err(errors) => {
            let first = errors.errors.first().map(|e| class(&e.to_string()));
            return format!("{}: import: {}", input.ext(), first.unwrap_or_default());
        }
    };
    let compiled = match compile(&imported.form) {
        Ok(_) => "compiles".to_owned(),
        Err(errors) => format!(
            "compile: {}",
            errors
                .first()
                .map(|e| class(&e.to_string()))
                .unwrap_or_default()
        ),
    };
    match export_xlsx(&imported.form) {
        Ok(bytes) => match import_bytes("again.xlsx", &bytes) {
            Ok(again) => assert!(
                again.form == imported.form,
                "import(export(form)) differs from the form: {}",
                first_difference(&imported.form.to_json(), &again.form.to_json())
            ),
            Err(e) => panic!("the exported workbook does not import: {e}"),
        },
        Err(e) => {
            return format!(
                "{}: imports, export: {}",
                input.ext(),
                class(&e.to_string())
            );
        }
    }
    format!(
        "{}: imports, {compiled}, {} warnings",
        input.ext(),
        imported.warnings.len().min(3)
    )
}

/// The first line where two texts differ, with its line number.
fn first_difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let n = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    format!(
        "line {}: `{}` became `{}`",
        n + 1,
        a.get(n).copied().unwrap_or("(end)"),
        b.get(n).copied().unwrap_or("(end)")
    )
}

fn seeds() -> Vec<Input> {
    let mut out = Vec::new();
    for file in form_files() {
        let text = String::from_utf8_lossy(&file.bytes);
        if let Ok(form) = Form::from_json(&text)
            && let Ok(bytes) = export_xlsx(&form)
        {
            out.push(Input::new(file.name.replace(".form.json", ".xlsx"), bytes));
        }
    }
    out.push(Input::new("tiny.csv", CSV));
    out.push(Input::new("tiny.md", MARKDOWN));
    if let Some(ods) = ods() {
        out.push(Input::new("tiny.ods", ods));
    }
    let mut shipped = crate::read_inputs(&workspace_dir().join("forms"));
    shipped.retain(|i| i.ext() == "xlsx");
    out.extend(shipped);
    // Small enough that a mutation runs in milliseconds.
    let mut shared = crate::read_inputs(&workspace_dir().join("../shared/xlsforms"));
    shared.retain(|i| i.ext() != "md" || i.bytes.len() < 64 * 1024);
    shared.retain(|i| i.bytes.len() <= 128 * 1024 && !i.name.ends_with("README.md"));
    out.extend(shared);
    out
}

const CSV: &str = "survey,type,name,label::English (en),relevant,calculation,repeat_count\n\
,integer,n,How many?,,,\n\
,select_one yn,ok,OK?,${n} > 0,,\n\
,begin repeat,member,Member,,,${n}\n\
,text,name,Name,,,\n\
,calculate,pos,,,position(..),\n\
,end repeat,,,,,\n\
choices,list_name,name,label::English (en)\n\
,yn,yes,Yes\n\
,yn,no,No\n\
settings,form_id,version,default_language\n\
,tiny,1,English (en)\n";

const MARKDOWN: &str = "| survey |\n\
|        | type           | name | label      |\n\
|        | integer        | n    | How many?  |\n\
|        | begin repeat   | r    | Roster     |\n\
|        | text           | t    | Name       |\n\
|        | end repeat     |      |            |\n\
| choices |\n\
|         | list_name | name | label |\n\
|         | l         | a    | A     |\n";

/// A minimal OpenDocument spreadsheet with a survey sheet.
fn ods() -> Option<Vec<u8>> {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>
<table:table table:name="survey">
<table:table-row><table:table-cell office:value-type="string"><text:p>type</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>name</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>label</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>integer</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>age</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>Age</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).ok()?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .ok()?;
    zip.start_file("content.xml", stored).ok()?;
    zip.write_all(content.as_bytes()).ok()?;
    zip.start_file("META-INF/manifest.xml", stored).ok()?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).ok()?;
    Some(zip.finish().ok()?.into_inner())
}

/// A CSV XLSForm from a small grammar, with generated expressions.
fn generate(rng: &mut Rng) -> Input {
    let mut s = String::from(
        "survey,type,name,label,relevant,constraint,calculation,repeat_count,choice_filter\n",
    );
    let types = [
        "integer",
        "text",
        "decimal",
        "select_one l",
        "select_multiple l",
        "select_one l or_other",
        "calculate",
        "note",
        "date",
        "begin group",
        "end group",
        "begin repeat",
        "end repeat",
        "image",
        "geoshape",
        "xml-external",
        "select_one_from_file x.csv",
        "rank l",
        "range",
        "acknowledge",
    ];
    for _ in 0..rng.between(1, 12) {
        let t = *rng.pick(&types);
        let name = *rng.pick(&["a", "b", "c", "r", "g", "n", "a b", ""]);
        let mut row = format!(",{t},{name},Label ${{a}}");
        for _ in 0..5 {
            row.push(',');
            if rng.chance(0.25) {
                let e = super::expr::generate_text(rng).replace('"', "\"\"");
                row.push('"');
                row.push_str(&e);
                row.push('"');
            }
        }
        s.push_str(&row);
        s.push('\n');
    }
    s.push_str("choices,list_name,name,label\n,l,1,One\n,l,2,Two\n");
    if rng.chance(0.5) {
        s.push_str("settings,form_id,version,default_language\n,gen,1,English (en)\n");
    }
    Input::new("gen.csv", s)
}

/// Opens a zip (xlsx, ods), edits one XML part, zips it again.
fn mutate_zip(rng: &mut Rng, parent: &Input) -> Option<Input> {
    if !parent.bytes.starts_with(b"PK") {
        return None;
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(&parent.bytes)).ok()?;
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).ok()?;
        let mut data = Vec::new();
        file.by_ref()
            .take(MAX_INPUT as u64 * 4)
            .read_to_end(&mut data)
            .ok()?;
        parts.push((file.name().to_owned(), data));
    }
    let xml: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].0.ends_with(".xml"))
        .collect();
    if xml.is_empty() {
        return None;
    }
    let i = if rng.chance(0.6) {
        // Sheets and shared strings carry the cells.
        xml.iter()
            .copied()
            .find(|&i| {
                parts[i]
                    .0
                    .contains(if rng.chance(0.5) { "sheet" } else { "content" })
            })
            .unwrap_or(*rng.pick(&xml))
    } else {
        *rng.pick(&xml)
    };
    let text = String::from_utf8_lossy(&parts[i].1).into_owned();
    let edited = match rng.below(4) {
        0 => edit_ranges(rng, &text),
        1 => repeat_element(rng, &text),
        _ => {
            let input = Input::new("part.xml", text.into_bytes());
            let mutated = mutate::bytes(
                rng,
                &input,
                &input,
                &[
                    "<c r=\"XFD1048576\"><v>1</v></c>",
                    "<row r=\"1048576\">",
                    "</row>",
                    "table:number-columns-repeated=\"16384\"",
                    "table:number-rows-repeated=\"1048576\"",
                    "<dimension ref=\"A1:XFD1048576\"/>",
                    "&amp;",
                    "<![CDATA[",
                    "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
                    "&a;",
                ],
            );
            String::from_utf8_lossy(&mutated.bytes).into_owned()
        }
    };
    parts[i].1 = edited.into_bytes();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in &parts {
        zip.start_file(name.as_str(), options).ok()?;
        zip.write_all(data).ok()?;
    }
    let bytes = zip.finish().ok()?.into_inner();
    Some(Input::new(parent.name.clone(), bytes))
}

/// Pushes a cell reference, a range or a repeat count to the limits.
fn edit_ranges(rng: &mut Rng, text: &str) -> String {
    let needles = [
        "r=\"",
        "ref=\"",
        "number-columns-repeated=\"",
        "number-rows-repeated=\"",
        "spans=\"",
    ];
    let needle = *rng.pick(&needles);
    let positions: Vec<usize> = text
        .match_indices(needle)
        .map(|(i, _)| i + needle.len())
        .collect();
    let Some(&at) = positions.get(rng.below(positions.len())) else {
        return text.to_owned();
    };
    let end = text[at..].find('"').map_or(text.len(), |e| at + e);
    let value = *rng.pick(&[
        "XFD1048576",
        "A1:XFD1048576",
        "A1048576",
        "ZZZZZZ1",
        "A4294967296",
        "A0",
        "1:16384",
        "16384",
        "1048576",
        "2147483647",
        "4294967296",
        "-1",
        "",
        "A1:A1:A1",
    ]);
    format!("{}{value}{}", &text[..at], &text[end..])
}

/// Repeats one `<row>` / `<table:table-row>` element many times.
fn repeat_element(rng: &mut Rng, text: &str) -> String {
    let (open, close) = *rng.pick(&[
        ("<row", "</row>"),
        ("<table:table-row", "</table:table-row>"),
        ("<c ", "</c>"),
        ("<si>", "</si>"),
    ]);
    let Some(start) = text.find(open) else {
        return text.to_owned();
    };
    let Some(len) = text[start..].find(close) else {
        return text.to_owned();
    };
    let element = &text[start..start + len + close.len()];
    let times = rng.between(2, 2000).min(MAX_INPUT / element.len().max(1));
    let mut out = String::with_capacity(text.len() + element.len() * times);
    out.push_str(&text[..start]);
    for _ in 0..times {
        out.push_str(element);
    }
    out.push_str(&text[start..]);
    out
}
