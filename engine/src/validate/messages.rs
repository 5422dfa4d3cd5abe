//! The built-in validation messages in the languages Fieldform's users work
//! in (English, French, Spanish, Arabic, Romanian, Russian). A form's own
//! `required_message` / `constraint_message` always wins; an enumerator
//! interviewing in Russian should not see English otherwise.

use super::ValidationKind;
use crate::expr::value::format_number;
use crate::model::primary_subtag;

/// The built-in message for `kind` in `lang` (a BCP 47 code; only its
/// primary subtag counts), English for languages without a translation.
pub fn builtin_message(kind: &ValidationKind, lang: &str) -> String {
    let t = match primary_subtag(lang).as_str() {
        "fr" => &FR,
        "es" => &ES,
        "ar" => &AR,
        "ro" => &RO,
        "ru" => &RU,
        _ => &EN,
    };
    match kind {
        ValidationKind::Required => t.required.to_owned(),
        ValidationKind::Constraint => t.constraint.to_owned(),
        ValidationKind::NotAnInteger => t.integer.to_owned(),
        ValidationKind::NotADecimal => t.decimal.to_owned(),
        ValidationKind::NotADate => t.date.to_owned(),
        ValidationKind::NotATime => t.time.to_owned(),
        ValidationKind::NotADateTime => t.datetime.to_owned(),
        ValidationKind::NotAGeopoint => t.geopoint.to_owned(),
        ValidationKind::NotAGeotrace => t.geotrace.to_owned(),
        ValidationKind::NotAGeoshape => t.geoshape.to_owned(),
        ValidationKind::NotAChoice { value } => t.choice.replace("{value}", value),
        ValidationKind::OutOfRange { start, end } => t
            .range
            .replace("{start}", &format_number(*start))
            .replace("{end}", &format_number(*end)),
        ValidationKind::OffStep { step } => t.step.replace("{step}", &format_number(*step)),
    }
}

struct Messages {
    required: &'static str,
    constraint: &'static str,
    integer: &'static str,
    decimal: &'static str,
    date: &'static str,
    time: &'static str,
    datetime: &'static str,
    geopoint: &'static str,
    geotrace: &'static str,
    geoshape: &'static str,
    choice: &'static str,
    range: &'static str,
    step: &'static str,
}

const EN: Messages = Messages {
    required: "An answer is required.",
    constraint: "This answer is not allowed.",
    integer: "Enter a whole number.",
    decimal: "Enter a number.",
    date: "Enter a date (YYYY-MM-DD).",
    time: "Enter a time (HH:MM).",
    datetime: "Enter a date and time.",
    geopoint: "Enter a location: latitude and longitude, optionally altitude and accuracy.",
    geotrace: "Enter a line: at least two locations.",
    geoshape: "Enter an area: at least three locations, the last one the same as the first.",
    choice: "`{value}` is not one of the choices.",
    range: "Enter a number from {start} to {end}.",
    step: "Enter a value in steps of {step}.",
};

const FR: Messages = Messages {
    required: "Une réponse est obligatoire.",
    constraint: "Cette réponse n'est pas autorisée.",
    integer: "Saisissez un nombre entier.",
    decimal: "Saisissez un nombre.",
    date: "Saisissez une date (AAAA-MM-JJ).",
    time: "Saisissez une heure (HH:MM).",
    datetime: "Saisissez une date et une heure.",
    geopoint: "Saisissez un emplacement : latitude et longitude, éventuellement altitude et précision.",
    geotrace: "Saisissez une ligne : au moins deux emplacements.",
    geoshape: "Saisissez une zone : au moins trois emplacements, le dernier identique au premier.",
    choice: "« {value} » ne fait pas partie des choix.",
    range: "Saisissez un nombre de {start} à {end}.",
    step: "Saisissez une valeur par pas de {step}.",
};

const ES: Messages = Messages {
    required: "Se requiere una respuesta.",
    constraint: "Esta respuesta no está permitida.",
    integer: "Introduzca un número entero.",
    decimal: "Introduzca un número.",
    date: "Introduzca una fecha (AAAA-MM-DD).",
    time: "Introduzca una hora (HH:MM).",
    datetime: "Introduzca una fecha y una hora.",
    geopoint: "Introduzca una ubicación: latitud y longitud y, opcionalmente, altitud y precisión.",
    geotrace: "Introduzca una línea: al menos dos ubicaciones.",
    geoshape: "Introduzca un área: al menos tres ubicaciones, la última igual a la primera.",
    choice: "«{value}» no es una de las opciones.",
    range: "Introduzca un número de {start} a {end}.",
    step: "Introduzca un valor en pasos de {step}.",
};

const AR: Messages = Messages {
    required: "الإجابة مطلوبة.",
    constraint: "هذه الإجابة غير مسموح بها.",
    integer: "أدخل عددًا صحيحًا.",
    decimal: "أدخل رقمًا.",
    date: "أدخل تاريخًا (YYYY-MM-DD).",
    time: "أدخل وقتًا (HH:MM).",
    datetime: "أدخل تاريخًا ووقتًا.",
    geopoint: "أدخل موقعًا: خط العرض وخط الطول، واختياريًا الارتفاع والدقة.",
    geotrace: "أدخل خطًا: موقعان على الأقل.",
    geoshape: "أدخل مساحة: ثلاثة مواقع على الأقل، آخرها مطابق لأولها.",
    choice: "«{value}» ليس من بين الخيارات.",
    range: "أدخل رقمًا من {start} إلى {end}.",
    step: "أدخل قيمة بخطوات مقدارها {step}.",
};

const RO: Messages = Messages {
    required: "Este necesar un răspuns.",
    constraint: "Acest răspuns nu este permis.",
    integer: "Introduceți un număr întreg.",
    decimal: "Introduceți un număr.",
    date: "Introduceți o dată (AAAA-LL-ZZ).",
    time: "Introduceți o oră (HH:MM).",
    datetime: "Introduceți o dată și o oră.",
    geopoint: "Introduceți o locație: latitudine și longitudine, opțional altitudine și precizie.",
    geotrace: "Introduceți o linie: cel puțin două locații.",
    geoshape: "Introduceți o zonă: cel puțin trei locații, ultima identică cu prima.",
    choice: "„{value}” nu este una dintre opțiuni.",
    range: "Introduceți un număr între {start} și {end}.",
    step: "Introduceți o valoare în pași de {step}.",
};

const RU: Messages = Messages {
    required: "Требуется ответ.",
    constraint: "Такой ответ недопустим.",
    integer: "Введите целое число.",
    decimal: "Введите число.",
    date: "Введите дату (ГГГГ-ММ-ДД).",
    time: "Введите время (ЧЧ:ММ).",
    datetime: "Введите дату и время.",
    geopoint: "Введите местоположение: широту и долготу, при желании высоту и точность.",
    geotrace: "Введите линию: не менее двух местоположений.",
    geoshape: "Введите область: не менее трёх местоположений, последнее совпадает с первым.",
    choice: "«{value}» нет среди вариантов ответа.",
    range: "Введите число от {start} до {end}.",
    step: "Введите значение с шагом {step}.",
};

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn translates_with_placeholders_and_falls_back_to_english() {
        let range = ValidationKind::OutOfRange {
            start: 0.0,
            end: 10.0,
        };
        assert_eq!(builtin_message(&range, "ru"), "Введите число от 0 до 10.");
        assert_eq!(
            builtin_message(&range, "fr-CA"),
            "Saisissez un nombre de 0 à 10."
        );
        assert_eq!(
            builtin_message(&ValidationKind::Required, "ro"),
            "Este necesar un răspuns."
        );
        assert_eq!(
            builtin_message(&ValidationKind::Required, "sw"),
            "An answer is required."
        );
        let choice = ValidationKind::NotAChoice { value: "x".into() };
        assert_eq!(builtin_message(&choice, "ar"), "«x» ليس من بين الخيارات.");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn english_matches_the_default_message() {
        for kind in [
            ValidationKind::Required,
            ValidationKind::Constraint,
            ValidationKind::NotAnInteger,
            ValidationKind::NotAGeopoint,
            ValidationKind::OffStep { step: 0.5 },
        ] {
            assert_eq!(builtin_message(&kind, "en"), kind.default_message());
        }
    }
}
