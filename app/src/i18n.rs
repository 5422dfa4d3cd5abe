//! The app's own words (buttons, notices) in the languages of the shipped
//! forms, so an enumerator working in Russian or Arabic does not meet
//! English on every button. Other languages fall back to English.
//! The form's own texts come from the form.

use fieldform_engine::model::primary_subtag;

/// A piece of the app's interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Back,
    Next,
    Finish,
    Add,
    Remove,
    Other,
    Language,
    Sections,
    Search,
    NotSet,
    Choose,
    MoveUp,
    MoveDown,
    Clear,
    Required,
    Complete,
    Problems,
    Forms,
    ConfirmRemove,
    Locate,
    Locating,
    LocationFailed,
    NoChoices,
    NoLongerOffered,
    KeepOrder,
    ConfirmLeave,
}

/// `msg` in `lang` (a BCP 47 code; the region is ignored), else English.
pub fn t(msg: Msg, lang: &str) -> &'static str {
    let [en, fr, es, ar, ro, ru] = words(msg);
    match primary_subtag(lang).as_str() {
        "fr" => fr,
        "es" => es,
        "ar" => ar,
        "ro" => ro,
        "ru" => ru,
        _ => en,
    }
}

/// English, French, Spanish, Arabic, Romanian, Russian.
fn words(msg: Msg) -> [&'static str; 6] {
    match msg {
        Msg::Back => ["Back", "Précédent", "Anterior", "السابق", "Înapoi", "Назад"],
        Msg::Next => ["Next", "Suivant", "Siguiente", "التالي", "Înainte", "Далее"],
        Msg::Finish => [
            "Finish",
            "Terminer",
            "Finalizar",
            "إنهاء",
            "Finalizare",
            "Завершить",
        ],
        Msg::Add => ["Add", "Ajouter", "Añadir", "إضافة", "Adăugați", "Добавить"],
        Msg::Remove => [
            "Remove",
            "Supprimer",
            "Eliminar",
            "حذف",
            "Ștergeți",
            "Удалить",
        ],
        Msg::Other => ["Other", "Autre", "Otro", "أخرى", "Altele", "Другое"],
        Msg::Language => ["Language", "Langue", "Idioma", "اللغة", "Limba", "Язык"],
        Msg::Sections => [
            "Sections",
            "Sections",
            "Secciones",
            "الأقسام",
            "Secțiuni",
            "Разделы",
        ],
        Msg::Search => ["Search", "Rechercher", "Buscar", "بحث", "Căutare", "Поиск"],
        Msg::NotSet => [
            "Not set",
            "Non défini",
            "Sin definir",
            "غير محدد",
            "Nesetat",
            "Не задано",
        ],
        Msg::Choose => [
            "Choose…",
            "Choisir…",
            "Elegir…",
            "اختر…",
            "Alegeți…",
            "Выберите…",
        ],
        Msg::MoveUp => [
            "Move up",
            "Monter",
            "Subir",
            "نقل لأعلى",
            "Mutați în sus",
            "Вверх",
        ],
        Msg::MoveDown => [
            "Move down",
            "Descendre",
            "Bajar",
            "نقل لأسفل",
            "Mutați în jos",
            "Вниз",
        ],
        Msg::Clear => [
            "Clear",
            "Effacer",
            "Borrar",
            "مسح",
            "Ștergeți răspunsul",
            "Очистить",
        ],
        Msg::Required => [
            "required",
            "obligatoire",
            "obligatorio",
            "إلزامي",
            "obligatoriu",
            "обязательно",
        ],
        Msg::Complete => [
            "All answers are complete and valid.",
            "Toutes les réponses sont complètes et valides.",
            "Todas las respuestas están completas y son válidas.",
            "جميع الإجابات مكتملة وصحيحة.",
            "Toate răspunsurile sunt complete și valide.",
            "Все ответы заполнены и корректны.",
        ],
        Msg::Problems => [
            "These answers need attention:",
            "Ces réponses demandent votre attention :",
            "Estas respuestas requieren atención:",
            "هذه الإجابات تحتاج إلى مراجعة:",
            "Aceste răspunsuri necesită atenție:",
            "Эти ответы требуют внимания:",
        ],
        Msg::ConfirmRemove => [
            "Remove this entry and all its answers?",
            "Supprimer cette entrée et toutes ses réponses ?",
            "¿Eliminar esta entrada y todas sus respuestas?",
            "هل تريد حذف هذا الإدخال وجميع إجاباته؟",
            "Ștergeți această înregistrare și toate răspunsurile ei?",
            "Удалить эту запись и все её ответы?",
        ],
        Msg::Locate => [
            "Use my location",
            "Utiliser ma position",
            "Usar mi ubicación",
            "استخدام موقعي",
            "Folosiți locația mea",
            "Моё местоположение",
        ],
        Msg::Locating => [
            "Finding the location…",
            "Recherche de la position…",
            "Buscando la ubicación…",
            "جارٍ تحديد الموقع…",
            "Se determină locația…",
            "Определение местоположения…",
        ],
        Msg::LocationFailed => [
            "The location could not be found:",
            "La position n'a pas pu être trouvée :",
            "No se pudo obtener la ubicación:",
            "تعذر تحديد الموقع:",
            "Locația nu a putut fi determinată:",
            "Не удалось определить местоположение:",
        ],
        Msg::NoChoices => [
            "No choices yet: they depend on earlier answers.",
            "Aucun choix pour l'instant : ils dépendent des réponses précédentes.",
            "Aún no hay opciones: dependen de respuestas anteriores.",
            "لا توجد خيارات بعد: فهي تعتمد على الإجابات السابقة.",
            "Nicio opțiune deocamdată: depind de răspunsurile anterioare.",
            "Вариантов пока нет: они зависят от предыдущих ответов.",
        ],
        Msg::NoLongerOffered => [
            "no longer offered",
            "n'est plus proposé",
            "ya no se ofrece",
            "لم يعد متاحًا",
            "nu mai este oferit",
            "больше не предлагается",
        ],
        Msg::KeepOrder => [
            "Keep this order",
            "Garder cet ordre",
            "Mantener este orden",
            "الإبقاء على هذا الترتيب",
            "Păstrați această ordine",
            "Оставить этот порядок",
        ],
        Msg::ConfirmLeave => [
            "Leave this form? Its answers are not saved yet and will be lost.",
            "Quitter ce formulaire ? Ses réponses ne sont pas encore enregistrées et seront perdues.",
            "¿Salir de este formulario? Sus respuestas aún no se han guardado y se perderán.",
            "هل تريد مغادرة هذه الاستمارة؟ لم تُحفظ إجاباتها بعد وستُفقد.",
            "Părăsiți acest formular? Răspunsurile nu sunt încă salvate și se vor pierde.",
            "Покинуть эту форму? Ответы ещё не сохранены и будут потеряны.",
        ],
        Msg::Forms => [
            "Forms",
            "Formulaires",
            "Formularios",
            "الاستمارات",
            "Formulare",
            "Формы",
        ],
    }
}
