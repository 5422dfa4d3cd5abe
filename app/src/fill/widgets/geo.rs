//! Locations: `geopoint`, typed as `lat lon [alt [accuracy]]` or captured
//! from the device's location with one tap (the accuracy comes with it, so
//! a coordinator can tell a GPS fix from a cell-tower guess), and
//! `geotrace` / `geoshape`, entered as a list of such points (each added
//! from the device's location or typed, each removable) and stored as ODK
//! Collect writes them: the points joined by `;`, a shape closed by
//! repeating its first point once it has three.
//!
//! The app works offline and has no map tiles, so the geopoint appearances
//! that show a map in ODK Collect are accepted and fall back to what needs
//! no map: `maps` (the fix shown on a map) and `placement-map` (a point
//! placed by hand on a map) give the usual typed coordinates and location
//! button, since typing is how a point is placed without a map;
//! `hide-input` drops the typed coordinates and keeps the location button,
//! with the captured point shown as text.

use fieldform_engine::state::NodeRef;
use fieldform_engine::validate::geo_points;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::fill::session::Session;
use crate::i18n::{Msg, pick, t};

/// Where a location request stands.
#[derive(Debug, Clone, PartialEq)]
enum Locating {
    Idle,
    Waiting,
    Failed(String),
}

impl Locating {
    fn text(&self, lang: &str) -> Option<String> {
        match self {
            Locating::Idle => None,
            Locating::Waiting => Some(t(Msg::Locating, lang).to_owned()),
            Locating::Failed(why) => Some(format!("{} {why}", t(Msg::LocationFailed, lang))),
        }
    }
}

/// Asks for a fix and hands it to `got`, keeping `status` up to date.
fn locate_into(status: RwSignal<Locating>, got: impl Fn(String) + Clone + 'static) {
    status.set(Locating::Waiting);
    let done = move |result: Result<String, String>| {
        // The fix can arrive after the enumerator left the form.
        if status.try_get().is_none() {
            return;
        }
        match result {
            Ok(point) => {
                got(point);
                status.set(Locating::Idle);
            }
            Err(message) => status.set(Locating::Failed(message)),
        }
    };
    if let Err(message) = current_position(done) {
        status.set(Locating::Failed(message));
    }
}

/// A geopoint; `hide_input`: only the location button (appearance `hide-input`).
pub fn geopoint(session: Session, node: NodeRef, id: &str, hide_input: bool) -> AnyView {
    let status = RwSignal::new(Locating::Idle);
    let locate = move |_| {
        locate_into(status, move |point| {
            session.set(node, &point);
            session.touch(node);
        });
    };
    let status_text = move || status.get().text(&session.lang());
    let button = move |id: Option<String>| {
        view! {
            <button type="button" class="locate" id=id
                disabled=move || session.read_only(node) || status.get() == Locating::Waiting
                on:click=locate>
                {move || t(Msg::Locate, &session.lang())}
            </button>
        }
    };
    if hide_input {
        return view! {
            <p class="geo-value" dir="ltr">{move || session.value(node)}</p>
            {button(Some(id.to_owned()))}
            <p class="locate-status" role="status">{status_text}</p>
        }
        .into_any();
    }
    view! {
        <input
            id=id.to_owned()
            type="text"
            inputmode="decimal"
            autocomplete="off"
            placeholder="47.0105 28.8638"
            dir="ltr"
            prop:value=move || session.value(node)
            disabled=move || session.read_only(node)
            on:input=move |ev| session.set(node, &event_target_value(&ev))
            on:change=move |_| session.touch(node)
        />
        {button(None)}
        <p class="locate-status" role="status">{status_text}</p>
    }
    .into_any()
}

/// The points of a stored geotrace or geoshape answer, as entered: a
/// shape's closing point (the first one repeated) is not one of them.
pub(crate) fn entered_points(value: &str, shape: bool) -> Vec<String> {
    let mut points: Vec<String> = value
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if shape && points.len() >= 4 && same_place(&points[0], &points[points.len() - 1]) {
        points.pop();
    }
    points
}

/// The answer for `points`: joined by `;`, a shape of three points or more
/// closed by its first point, as ODK Collect stores it.
pub(crate) fn answer_of(points: &[String], shape: bool) -> String {
    let mut all = points.to_vec();
    if shape && points.len() >= 3 {
        all.push(points[0].clone());
    }
    all.join(";")
}

/// Two points at one latitude and longitude (altitude and accuracy aside).
fn same_place(a: &str, b: &str) -> bool {
    let place = |p: &str| geo_points(p).and_then(|v| v.first().copied());
    place(a).is_some() && place(a) == place(b)
}

/// A typed point, if it is one (`lat lon [alt [acc]]` within range).
pub(crate) fn typed_point(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.contains(';') && geo_points(&text).is_some_and(|p| p.len() == 1)).then_some(text)
}

/// The interface's words for point lists, in the app's languages.
fn words(word: GeoWord, lang: &str) -> &'static str {
    pick(
        match word {
            GeoWord::Points => [
                "Points entered",
                "Points saisis",
                "Puntos introducidos",
                "النقاط المدخلة",
                "Puncte introduse",
                "Введённые точки",
            ],
            GeoWord::NoPoints => [
                "No points yet.",
                "Aucun point pour l'instant.",
                "Todavía no hay puntos.",
                "لا توجد نقاط بعد.",
                "Niciun punct încă.",
                "Точек пока нет.",
            ],
            GeoWord::AddLocation => [
                "Add my location",
                "Ajouter ma position",
                "Añadir mi ubicación",
                "إضافة موقعي",
                "Adăugați locația mea",
                "Добавить моё местоположение",
            ],
            GeoWord::AddTyped => [
                "Add this point",
                "Ajouter ce point",
                "Añadir este punto",
                "إضافة هذه النقطة",
                "Adăugați acest punct",
                "Добавить эту точку",
            ],
            GeoWord::Typed => [
                "Point to add (latitude longitude)",
                "Point à ajouter (latitude longitude)",
                "Punto a añadir (latitud longitud)",
                "نقطة للإضافة (خط العرض خط الطول)",
                "Punct de adăugat (latitudine longitudine)",
                "Точка для добавления (широта долгота)",
            ],
            GeoWord::NotAPoint => [
                "Not a location: enter latitude and longitude, e.g. 47.0105 28.8638.",
                "Ce n'est pas un emplacement : saisissez latitude et longitude, p. ex. 47.0105 28.8638.",
                "No es una ubicación: introduzca latitud y longitud, p. ej. 47.0105 28.8638.",
                "ليس موقعًا: أدخل خط العرض وخط الطول، مثل 47.0105 28.8638.",
                "Nu este o locație: introduceți latitudinea și longitudinea, de ex. 47.0105 28.8638.",
                "Это не местоположение: введите широту и долготу, например 47.0105 28.8638.",
            ],
            GeoWord::RemovePoint => [
                "Remove point",
                "Supprimer le point",
                "Eliminar el punto",
                "حذف النقطة",
                "Ștergeți punctul",
                "Удалить точку",
            ],
        },
        lang,
    )
}

#[derive(Debug, Clone, Copy)]
enum GeoWord {
    Points,
    NoPoints,
    AddLocation,
    AddTyped,
    Typed,
    NotAPoint,
    RemovePoint,
}

/// A geotrace (`shape` false) or geoshape: the points entered so far, each
/// removable, then a point to type and the buttons adding it or the
/// device's location.
pub fn point_list(session: Session, node: NodeRef, id: &str, shape: bool) -> AnyView {
    let status = RwSignal::new(Locating::Idle);
    let typed = RwSignal::new(String::new());
    let typo = RwSignal::new(false);
    let points = move || entered_points(&session.value(node), shape);
    let store = move |points: Vec<String>| {
        session.set(node, &answer_of(&points, shape));
        session.touch(node);
    };
    let add = move |point: String| {
        let mut all = entered_points(&session.with(|s| s.value(node).to_owned()), shape);
        all.push(point);
        store(all);
    };
    let add_typed = move || match typed_point(&typed.get_untracked()) {
        Some(point) => {
            add(point);
            typed.set(String::new());
            typo.set(false);
        }
        None => typo.set(true),
    };
    let locate = move |_| locate_into(status, add);
    let remove = move |index: usize| {
        let mut all = entered_points(&session.with(|s| s.value(node).to_owned()), shape);
        if index < all.len() {
            all.remove(index);
            store(all);
        }
    };
    let lang = move || session.lang();
    let list_id = format!("{id}-points");
    let status_text = move || {
        let lang = lang();
        if typo.get() {
            return Some(words(GeoWord::NotAPoint, &lang).to_owned());
        }
        status.get().text(&lang)
    };
    view! {
        <div class="point-list">
            <p class="points-heading" id=list_id.clone()>{move || words(GeoWord::Points, &lang())}</p>
            {move || {
                let points = points();
                if points.is_empty() {
                    return view! { <p class="no-points">{words(GeoWord::NoPoints, &lang())}</p> }
                        .into_any();
                }
                let labelled = list_id.clone();
                view! {
                    <ol aria-labelledby=labelled>
                        {points
                            .into_iter()
                            .enumerate()
                            .map(|(i, point)| {
                                let name = format!("{} {}", words(GeoWord::RemovePoint, &lang()), i + 1);
                                view! {
                                    <li>
                                        <span dir="ltr">{point}</span>
                                        <button type="button" class="remove-point"
                                            aria-label=name.clone() title=name
                                            disabled=move || session.read_only(node)
                                            on:click=move |_| remove(i)>
                                            "×"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <input
                id=id.to_owned()
                type="text"
                inputmode="decimal"
                autocomplete="off"
                placeholder="47.0105 28.8638"
                dir="ltr"
                aria-label=move || words(GeoWord::Typed, &lang())
                prop:value=move || typed.get()
                disabled=move || session.read_only(node)
                on:input=move |ev| {
                    typed.set(event_target_value(&ev));
                    typo.set(false);
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        add_typed();
                    }
                }
            />
            <button type="button" class="locate"
                disabled=move || session.read_only(node)
                on:click=move |_| add_typed()>
                {move || words(GeoWord::AddTyped, &lang())}
            </button>
            <button type="button" class="locate"
                disabled=move || session.read_only(node) || status.get() == Locating::Waiting
                on:click=locate>
                {move || words(GeoWord::AddLocation, &lang())}
            </button>
            <p class="locate-status" role="status">{status_text}</p>
        </div>
    }
    .into_any()
}

/// Asks the browser for a fix; `done` gets `lat lon alt accuracy` or why not.
fn current_position(done: impl Fn(Result<String, String>) + Clone + 'static) -> Result<(), String> {
    let geolocation = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .geolocation()
        .map_err(|_| "this browser has no geolocation".to_owned())?;
    let on_error = done.clone();
    let success = Closure::once_into_js(move |position: JsValue| {
        done(read_position(&position).ok_or_else(|| "no coordinates".to_owned()));
    });
    let failure = Closure::once_into_js(move |error: JsValue| {
        let message = get(&error, "message")
            .as_string()
            .unwrap_or_else(|| "unknown error".to_owned());
        on_error(Err(message));
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(60_000);
    options.set_maximum_age(0);
    geolocation
        .get_current_position_with_error_callback_and_options(
            success.unchecked_ref(),
            Some(failure.unchecked_ref()),
            &options,
        )
        .map_err(|e| e.as_string().unwrap_or_else(|| "refused".to_owned()))
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `lat lon alt accuracy` from a GeolocationPosition (read by name: the
/// typed bindings are still behind web-sys's unstable flag).
fn read_position(position: &JsValue) -> Option<String> {
    let coords = get(position, "coords");
    let number = |key: &str| get(&coords, key).as_f64();
    Some(format_point(
        number("latitude")?,
        number("longitude")?,
        number("altitude").unwrap_or(0.0),
        number("accuracy").unwrap_or(0.0),
    ))
}

/// ODK's geopoint text; six decimals of a degree are about 10 cm.
pub(crate) fn format_point(lat: f64, lon: f64, alt: f64, accuracy: f64) -> String {
    format!("{lat:.6} {lon:.6} {alt:.1} {accuracy:.1}")
}

#[cfg(test)]
mod tests {
    use super::{answer_of, entered_points, format_point, typed_point};

    #[test]
    fn point_lists_as_odk_stores_them() {
        let p = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(answer_of(&p(&["1 2 0 5", "1 3"]), false), "1 2 0 5;1 3");
        // A shape is closed once it has three points.
        assert_eq!(answer_of(&p(&["0 0", "0 1"]), true), "0 0;0 1");
        assert_eq!(
            answer_of(&p(&["0 0 1 2", "0 1", "1 1"]), true),
            "0 0 1 2;0 1;1 1;0 0 1 2"
        );
        assert_eq!(answer_of(&[], true), "");
        // Read back without the closing point; ODK's trailing `;` and spaces.
        assert_eq!(
            entered_points("0 0 1 2; 0 1; 1 1; 0 0 1 2;", true),
            p(&["0 0 1 2", "0 1", "1 1"])
        );
        assert_eq!(
            entered_points("0 0;0 1;0 0", false),
            p(&["0 0", "0 1", "0 0"])
        );
        assert_eq!(entered_points("", true), Vec::<String>::new());
        assert_eq!(
            typed_point(" 47.01   28.86 "),
            Some("47.01 28.86".to_owned())
        );
        assert_eq!(typed_point("47.01 28.86;1 2"), None);
        assert_eq!(typed_point("north"), None);
        assert_eq!(typed_point("95 1"), None);
    }

    #[test]
    fn points_in_odk_form() {
        assert_eq!(
            format_point(47.010_452_1, 28.863_81, 85.04, 12.0),
            "47.010452 28.863810 85.0 12.0"
        );
    }
}
