//! JSON Schemas of the content files, for completion and checking in editors (VS Code with the
//! YAML extension) and for CI. They are generated from the loader's own raw structs
//! (`load::schema`, `load::sinonim`) with schemars, so a key the loader learns is a key the
//! schema offers: the schema cannot drift from what `check` accepts.
//!
//! The loader reads several shapes for one key (a text or a list of texts; a free-text
//! `keterkaitan` or `sop: bidang/slug`; any scalar as text: `nomor: 36` and dates alike); the
//! hand-written `JsonSchema` impls below say exactly that, so valid content is never flagged.
//! Unknown keys are closed off (`additionalProperties: false`) as `check` reports them.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::core::error::{Error, ErrorKind, IoAct};
use crate::load::keys::FileKind;
use crate::load::schema::{KetItem, Many, Text};

/// Every kind of content file, in the order `sopan skema` lists them.
pub(crate) const ALL: [FileKind; 7] = [
    FileKind::Sop,
    FileKind::Instansi,
    FileKind::Bidang,
    FileKind::Keputusan,
    FileKind::Settings,
    FileKind::Sinonim,
    FileKind::Dicabut,
];

/// Where `init` and `sopan skema --tulis` put the schemas inside a project.
pub(crate) const PROJECT_DIR: &str = ".sopan/skema";

/// Where the site publishes them.
pub(crate) const SITE_DIR: &str = "skema";

/// The name a user types for a kind (`sopan skema sop`), also the schema's file stem.
pub(crate) fn name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Sop => "sop",
        FileKind::Instansi => "instansi",
        FileKind::Bidang => "bidang",
        FileKind::Keputusan => "keputusan",
        FileKind::Settings => "sopan",
        FileKind::Sinonim => "sinonim",
        FileKind::Dicabut => "peraturan-dicabut",
    }
}

/// The schema's file name, e.g. `sop.json`.
pub(crate) fn file_name(kind: FileKind) -> String {
    format!("{}.json", name(kind))
}

/// The files of a kind, as globs relative to the project root (VS Code's `yaml.schemas`).
/// SOP files share their folder with `_bidang.yaml`: the `!` pattern leaves it out where the
/// YAML extension knows negation, and the first-line `$schema` comment every skeleton carries
/// wins over these settings anyway.
pub(crate) fn globs(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Sop => &["content/*/*/*.yaml", "!content/*/*/_bidang.yaml"],
        FileKind::Instansi => &["content/*/_instansi.yaml"],
        FileKind::Bidang => &["content/*/*/_bidang.yaml"],
        FileKind::Keputusan => &["content/*/_keputusan.yaml"],
        FileKind::Settings => &["sopan.yaml"],
        FileKind::Sinonim => &["sinonim.yaml"],
        FileKind::Dicabut => &["peraturan-dicabut.yaml"],
    }
}

/// A kind from its name, or an error listing the names.
pub(crate) fn parse(jenis: &str) -> Result<FileKind, Error> {
    let j = jenis.trim().trim_end_matches(".json").to_lowercase();
    ALL.into_iter()
        .find(|k| name(*k) == j || (j == "dicabut" && *k == FileKind::Dicabut))
        .ok_or_else(|| {
            let names: Vec<&str> = ALL.iter().map(|k| name(*k)).collect();
            let near = crate::load::keys::nearest(&j, names.iter().copied());
            Error::new(ErrorKind::UnknownSchemaKind {
                given: jenis.into(),
                near: near.map(str::to_string),
                names: names.iter().map(|n| n.to_string()).collect(),
            })
        })
}

/// The JSON Schema (draft 7, which the YAML extension reads fully) of a kind of file.
pub(crate) fn schema(kind: FileKind) -> Value {
    let mut settings = SchemaSettings::draft07();
    // Inline everything: descriptions then sit beside each key, where editors show them.
    settings.inline_subschemas = true;
    let generator = settings.into_generator();
    let schema = match kind {
        FileKind::Sop => generator.into_root_schema_for::<crate::load::schema::RawSop>(),
        FileKind::Instansi => generator.into_root_schema_for::<crate::load::schema::RawInstansi>(),
        FileKind::Bidang => generator.into_root_schema_for::<crate::load::schema::RawBidang>(),
        FileKind::Keputusan => {
            generator.into_root_schema_for::<crate::load::schema::RawKeputusan>()
        }
        FileKind::Settings => generator.into_root_schema_for::<crate::load::schema::RawSettings>(),
        FileKind::Sinonim => generator.into_root_schema_for::<crate::load::sinonim::RawSinonim>(),
        FileKind::Dicabut => generator.into_root_schema_for::<Dicabut>(),
    };
    let mut v = schema.to_value();
    close_objects(&mut v);
    if let Value::Object(m) = &mut v {
        m.insert(
            "title".into(),
            Value::String(format!("sopan: {}", title(kind))),
        );
    }
    v
}

/// The file a kind describes, for the schema's title.
fn title(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Sop => "SOP (<slug>.yaml)",
        FileKind::Instansi => "_instansi.yaml",
        FileKind::Bidang => "_bidang.yaml",
        FileKind::Keputusan => "_keputusan.yaml",
        FileKind::Settings => "sopan.yaml",
        FileKind::Sinonim => "sinonim.yaml",
        FileKind::Dicabut => "peraturan-dicabut.yaml",
    }
}

/// A schema as the text written to files and printed: pretty, ending in a newline.
pub(crate) fn text(kind: FileKind) -> String {
    let mut s = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    s.push('\n');
    s
}

/// `peraturan-dicabut.yaml` is a list of entries at its top.
struct Dicabut;

impl JsonSchema for Dicabut {
    fn schema_name() -> Cow<'static, str> {
        "PeraturanDicabut".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let item = g.subschema_for::<crate::load::schema::RawPencabutan>();
        json_schema!({
            "description": "Daftar peraturan yang sudah dicabut, untuk audit dasar hukum (`peraturan-dicabut.yaml` di folder proyek); menambah daftar bawaan sopan.",
            "type": ["array", "null"],
            "items": item,
        })
    }
}

/// Every mapping with named keys refuses others, as `check` does ("kunci … tidak dikenal");
/// maps of free keys (`singkatan`) keep theirs.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            m.values_mut().for_each(close_objects);
        }
        Value::Array(a) => a.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// Any scalar: the loader reads numbers, booleans and dates as the text written.
impl JsonSchema for Text {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Teks".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean", "null"] })
    }
}

/// One item or a list of them (`kelengkapan: Proposal` or `kelengkapan: [A, B]`).
impl<T: JsonSchema> JsonSchema for Many<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("SatuAtauDaftar_{}", T::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let one = g.subschema_for::<T>();
        json_schema!({
            "anyOf": [one.clone(), { "type": "array", "items": one }, { "type": "null" }]
        })
    }
}

/// A `keterkaitan` item: free text, or `sop: bidang/slug`.
impl JsonSchema for KetItem {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Keterkaitan".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let text = g.subschema_for::<Text>();
        json_schema!({
            "anyOf": [
                { "type": ["string", "integer"] },
                {
                    "type": "object",
                    "properties": {
                        "sop": {
                            "allOf": [text],
                            "description": "Id SOP yang ditautkan, relatif terhadap instansi: `bidang/slug`, mis. `sekretariat/surat-masuk`."
                        }
                    },
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// The schema `$schema` comment on the first line of a file at `rel` (relative to the project
/// root, `/`-separated): the YAML extension then completes the file even without the
/// workspace settings (a folder opened above the project, another editor with the same
/// language server).
pub(crate) fn modeline(kind: FileKind, rel: &str) -> String {
    let depth = rel.matches('/').count();
    format!(
        "# yaml-language-server: $schema={}{PROJECT_DIR}/{}\n",
        "../".repeat(depth),
        file_name(kind)
    )
}

/// `.vscode/settings.json`: each schema file of `.sopan/skema/` mapped to its files.
pub(crate) fn vscode_settings() -> String {
    let mut map = serde_json::Map::new();
    for kind in ALL {
        let globs: Vec<Value> = globs(kind)
            .iter()
            .map(|g| Value::String((*g).into()))
            .collect();
        map.insert(
            format!("./{PROJECT_DIR}/{}", file_name(kind)),
            Value::Array(globs),
        );
    }
    let settings = serde_json::json!({
        "yaml.schemas": map,
        // Tabs are not allowed for indentation in YAML; a Tab key that types spaces avoids the
        // most common first error.
        "[yaml]": { "editor.insertSpaces": true, "editor.tabSize": 2 },
    });
    let mut s = serde_json::to_string_pretty(&settings).unwrap_or_default();
    s.push('\n');
    s
}

/// Writes every schema into `root/.sopan/skema/`, replacing older ones; returns the paths.
pub(crate) fn write_into(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let dir = root.join(PROJECT_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(IoAct::CreateDir, &dir, e))?;
    let mut written = Vec::new();
    for kind in ALL {
        let path = dir.join(file_name(kind));
        let text = text(kind);
        // Unchanged files are left alone: editors watching them need not reload.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(|e| Error::io(IoAct::Write, &path, e))?;
        }
        written.push(path);
    }
    Ok(written)
}

/// Writes `.vscode/settings.json` unless the project has one (its owner's settings win).
/// Returns whether it was written.
pub(crate) fn write_vscode_settings(root: &Path) -> Result<bool, Error> {
    let path = root.join(".vscode/settings.json");
    if path.exists() {
        return Ok(false);
    }
    let dir = root.join(".vscode");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(IoAct::CreateDir, &dir, e))?;
    std::fs::write(&path, vscode_settings()).map_err(|e| Error::io(IoAct::Write, &path, e))?;
    Ok(true)
}

/// Every schema for the site, under `/skema/`.
pub(crate) fn site_files() -> Vec<(String, Vec<u8>)> {
    ALL.into_iter()
        .map(|k| (format!("{SITE_DIR}/{}", file_name(k)), text(k).into_bytes()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_the_schema_are_the_keys_of_the_loader() {
        let s = schema(FileKind::Sop);
        let props: Vec<&str> = s["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut loader: Vec<&str> =
            crate::load::keys::fields_of::<crate::load::schema::RawSop>().to_vec();
        let mut props = props;
        props.sort_unstable();
        loader.sort_unstable();
        assert_eq!(props, loader);
        assert_eq!(s["additionalProperties"], Value::Bool(false));
        assert!(s.get("required").is_none(), "{}", s["required"]);
    }

    #[test]
    fn modeline_climbs_to_the_project() {
        assert_eq!(
            modeline(FileKind::Sop, "content/i/b/x.yaml"),
            "# yaml-language-server: $schema=../../../.sopan/skema/sop.json\n"
        );
        assert_eq!(
            modeline(FileKind::Settings, "sopan.yaml"),
            "# yaml-language-server: $schema=.sopan/skema/sopan.json\n"
        );
    }

    #[test]
    fn kinds_by_name() {
        for k in ALL {
            assert_eq!(parse(name(k)).unwrap(), k);
        }
        assert_eq!(parse("SOP.json").unwrap(), FileKind::Sop);
        let e = parse("bidan").unwrap_err();
        assert!(
            matches!(&e.kind, ErrorKind::UnknownSchemaKind { near: Some(n), .. } if n == "bidang"),
            "{e}"
        );
        assert!(e.to_string().contains("maksud Anda `bidang`?"), "{e}");
    }
}
