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
    ExpandAll,
    CollapseAll,
    CardHasProblem,
    AnswerCleared,
    Undo,
    Acknowledged,
    Home,
    NoSuchResponse,
    Finalized,
    WaitingToSend,
    StartNext,
    Saving,
    SavedOnDevice,
    NotSaved,
    Sent,
    FinalizedAt,
    ResponsesOnDevice,
    NoResponses,
    GroupDraft,
    GroupNeedsCorrection,
    GroupFinalized,
    GroupSent,
    Resume,
    View,
    Delete,
    ConfirmDelete,
    Edited,
    Started,
    FormsOnDevice,
    LoadingForms,
    OfflineForms,
    NoForms,
    DraftSaved,
    PageOf,
    AvailableOffline,
    ThisDevice,
    SaveBackup,
    RestoreBackup,
    BackupSaved,
    Added,
    Updated,
    AlreadyHere,
    Responses,
    Untitled,
    UpdateReady,
    UpdateReload,
    InstallApp,
    StoragePersistent,
    StorageNotPersistent,
    /// `{used}` and `{free}` are filled in with sizes.
    StorageUsage,
    StorageUnknown,
    Megabytes,
    Gigabytes,
    DecimalSeparator,
    /// `{n}`: how many filled entries a lower count would remove.
    ConfirmFewer,
    /// `{example}`: a decimal number as the language writes it.
    NumberExample,
    /// `{example}`: a whole number as the language writes it.
    WholeNumberExample,
    /// `{files}`: the data file a form needs and the device lacks;
    /// `{why}`: why it could not be downloaded.
    MissingDataFile,
    /// [`Msg::MissingDataFile`] for several files.
    MissingDataFiles,
}

/// `msg` in `lang` (a BCP 47 code; the region is ignored), else English.
pub fn t(msg: Msg, lang: &str) -> &'static str {
    pick(words(msg), lang)
}

/// What the enumerator is told when a form's data files (`missing`) are
/// not on the device and cannot be downloaded now (`why`, the network's
/// own words).
pub fn missing_data_files(missing: &[String], why: &str, lang: &str) -> String {
    let msg = if missing.len() == 1 {
        Msg::MissingDataFile
    } else {
        Msg::MissingDataFiles
    };
    t(msg, lang)
        .replace("{files}", &missing.join(", "))
        .replace("{why}", why)
}

/// The word for `lang` among English, French, Spanish, Arabic, Romanian
/// and Russian (in that order), else English.
pub fn pick(words: [&'static str; 6], lang: &str) -> &'static str {
    let [en, fr, es, ar, ro, ru] = words;
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
        Msg::ExpandAll => [
            "Expand all",
            "Tout déplier",
            "Expandir todo",
            "توسيع الكل",
            "Extinde tot",
            "Развернуть все",
        ],
        Msg::CollapseAll => [
            "Collapse all",
            "Tout replier",
            "Contraer todo",
            "طي الكل",
            "Restrânge tot",
            "Свернуть все",
        ],
        Msg::CardHasProblem => [
            "needs attention",
            "à vérifier",
            "requiere atención",
            "يحتاج إلى مراجعة",
            "necesită atenție",
            "требует внимания",
        ],
        Msg::AnswerCleared => [
            "Answer cleared.",
            "Réponse effacée.",
            "Respuesta borrada.",
            "مُسحت الإجابة.",
            "Răspuns șters.",
            "Ответ очищен.",
        ],
        Msg::Undo => [
            "Undo",
            "Annuler",
            "Deshacer",
            "تراجع",
            "Anulați",
            "Отменить",
        ],
        Msg::Acknowledged => [
            "OK",
            "D'accord",
            "De acuerdo",
            "موافق",
            "De acord",
            "Подтверждаю",
        ],
        Msg::Home => ["Home", "Accueil", "Inicio", "الرئيسية", "Acasă", "Главная"],
        Msg::NoSuchResponse => [
            "This response is not on this device.",
            "Cette réponse n'est pas sur cet appareil.",
            "Esta respuesta no está en este dispositivo.",
            "هذه الاستجابة غير موجودة على هذا الجهاز.",
            "Acest răspuns nu se află pe acest dispozitiv.",
            "Этой анкеты нет на этом устройстве.",
        ],
        Msg::Finalized => [
            "Interview finalized",
            "Entretien finalisé",
            "Entrevista finalizada",
            "اكتملت المقابلة",
            "Interviu finalizat",
            "Интервью завершено",
        ],
        Msg::WaitingToSend => [
            "Kept on this device, waiting to be sent.",
            "Conservé sur cet appareil, en attente d'envoi.",
            "Guardada en este dispositivo, pendiente de envío.",
            "محفوظة على هذا الجهاز في انتظار الإرسال.",
            "Păstrat pe acest dispozitiv, în așteptarea trimiterii.",
            "Хранится на этом устройстве, ожидает отправки.",
        ],
        Msg::StartNext => [
            "Start the next one",
            "Commencer le suivant",
            "Empezar la siguiente",
            "بدء التالية",
            "Începeți următorul",
            "Начать следующую",
        ],
        Msg::Saving => [
            "Saving…",
            "Enregistrement…",
            "Guardando…",
            "جارٍ الحفظ…",
            "Se salvează…",
            "Сохранение…",
        ],
        Msg::SavedOnDevice => [
            "Saved on this device at",
            "Enregistré sur cet appareil à",
            "Guardado en este dispositivo a las",
            "حُفظ على هذا الجهاز في",
            "Salvat pe acest dispozitiv la",
            "Сохранено на этом устройстве в",
        ],
        Msg::NotSaved => [
            "Not saved:",
            "Non enregistré :",
            "No guardado:",
            "لم يُحفظ:",
            "Nesalvat:",
            "Не сохранено:",
        ],
        Msg::Sent => ["Sent", "Envoyé", "Enviada", "أُرسلت", "Trimis", "Отправлено"],
        Msg::FinalizedAt => [
            "finalized at",
            "finalisé à",
            "finalizada a las",
            "اكتملت في",
            "finalizat la",
            "завершено в",
        ],
        Msg::ResponsesOnDevice => [
            "Responses on this device",
            "Réponses sur cet appareil",
            "Respuestas en este dispositivo",
            "الاستجابات على هذا الجهاز",
            "Răspunsuri pe acest dispozitiv",
            "Анкеты на этом устройстве",
        ],
        Msg::NoResponses => [
            "No responses yet: start one from a form above.",
            "Aucune réponse pour l'instant : commencez-en une à partir d'un formulaire ci-dessus.",
            "Aún no hay respuestas: empiece una desde un formulario de arriba.",
            "لا توجد استجابات بعد: ابدأ واحدة من استمارة أعلاه.",
            "Încă nu există răspunsuri: începeți unul dintr-un formular de mai sus.",
            "Анкет пока нет: начните с одной из форм выше.",
        ],
        Msg::GroupDraft => [
            "Drafts",
            "Brouillons",
            "Borradores",
            "المسودات",
            "Ciorne",
            "Черновики",
        ],
        Msg::GroupNeedsCorrection => [
            "To correct",
            "À corriger",
            "Por corregir",
            "تحتاج إلى تصحيح",
            "De corectat",
            "Требуют исправления",
        ],
        Msg::GroupFinalized => [
            "Finalized, waiting to be sent",
            "Finalisées, en attente d'envoi",
            "Finalizadas, pendientes de envío",
            "مكتملة، في انتظار الإرسال",
            "Finalizate, în așteptarea trimiterii",
            "Завершены, ожидают отправки",
        ],
        Msg::GroupSent => [
            "Sent",
            "Envoyées",
            "Enviadas",
            "المرسلة",
            "Trimise",
            "Отправленные",
        ],
        Msg::Resume => [
            "Continue",
            "Continuer",
            "Continuar",
            "متابعة",
            "Continuați",
            "Продолжить",
        ],
        Msg::View => ["View", "Voir", "Ver", "عرض", "Vizualizați", "Просмотр"],
        Msg::Delete => [
            "Delete",
            "Supprimer",
            "Eliminar",
            "حذف",
            "Ștergeți",
            "Удалить",
        ],
        Msg::ConfirmDelete => [
            "Delete this draft and all its answers? This cannot be undone.",
            "Supprimer ce brouillon et toutes ses réponses ? Cette action est irréversible.",
            "¿Eliminar este borrador y todas sus respuestas? No se puede deshacer.",
            "هل تريد حذف هذه المسودة وجميع إجاباتها؟ لا يمكن التراجع عن ذلك.",
            "Ștergeți această ciornă și toate răspunsurile ei? Acțiunea nu poate fi anulată.",
            "Удалить этот черновик и все его ответы? Это нельзя отменить.",
        ],
        Msg::Edited => [
            "edited",
            "modifié",
            "editada",
            "عُدّلت",
            "modificat",
            "изменено",
        ],
        Msg::Started => [
            "started",
            "commencé",
            "iniciada",
            "بدأت",
            "început",
            "начато",
        ],
        Msg::FormsOnDevice => [
            "Forms",
            "Formulaires",
            "Formularios",
            "الاستمارات",
            "Formulare",
            "Формы",
        ],
        Msg::LoadingForms => [
            "Loading forms…",
            "Chargement des formulaires…",
            "Cargando formularios…",
            "جارٍ تحميل الاستمارات…",
            "Se încarcă formularele…",
            "Загрузка форм…",
        ],
        Msg::OfflineForms => [
            "No connection to the server: these are the forms kept on this device.",
            "Pas de connexion au serveur : voici les formulaires conservés sur cet appareil.",
            "Sin conexión con el servidor: estos son los formularios guardados en este dispositivo.",
            "لا يوجد اتصال بالخادم: هذه هي الاستمارات المحفوظة على هذا الجهاز.",
            "Nu există conexiune cu serverul: acestea sunt formularele păstrate pe acest dispozitiv.",
            "Нет связи с сервером: это формы, сохранённые на этом устройстве.",
        ],
        Msg::NoForms => [
            "No forms on this device yet: connect to the server once to download them.",
            "Aucun formulaire sur cet appareil : connectez-vous une fois au serveur pour les télécharger.",
            "Aún no hay formularios en este dispositivo: conéctese una vez al servidor para descargarlos.",
            "لا توجد استمارات على هذا الجهاز بعد: اتصل بالخادم مرة واحدة لتنزيلها.",
            "Încă nu există formulare pe acest dispozitiv: conectați-vă o dată la server pentru a le descărca.",
            "На этом устройстве пока нет форм: подключитесь к серверу один раз, чтобы их загрузить.",
        ],
        Msg::DraftSaved => [
            "Draft saved on this device:",
            "Brouillon enregistré sur cet appareil :",
            "Borrador guardado en este dispositivo:",
            "تم حفظ المسودة على هذا الجهاز:",
            "Ciornă salvată pe acest dispozitiv:",
            "Черновик сохранён на этом устройстве:",
        ],
        // `{x}` and `{y}` are filled in.
        Msg::PageOf => [
            "Page {x} of {y}",
            "Page {x} sur {y}",
            "Página {x} de {y}",
            "الصفحة {x} من {y}",
            "Pagina {x} din {y}",
            "Страница {x} из {y}",
        ],
        Msg::AvailableOffline => [
            "available offline",
            "disponible hors ligne",
            "disponible sin conexión",
            "متاحة دون اتصال",
            "disponibil offline",
            "доступна офлайн",
        ],
        Msg::ThisDevice => [
            "This device",
            "Cet appareil",
            "Este dispositivo",
            "هذا الجهاز",
            "Acest dispozitiv",
            "Это устройство",
        ],
        Msg::SaveBackup => [
            "Save a backup file",
            "Enregistrer une sauvegarde",
            "Guardar una copia de seguridad",
            "حفظ ملف نسخة احتياطية",
            "Salvați o copie de rezervă",
            "Сохранить резервную копию",
        ],
        Msg::RestoreBackup => [
            "Restore from a backup file",
            "Restaurer depuis une sauvegarde",
            "Restaurar desde una copia de seguridad",
            "الاستعادة من ملف نسخة احتياطية",
            "Restaurați dintr-o copie de rezervă",
            "Восстановить из резервной копии",
        ],
        Msg::BackupSaved => [
            "Backup saved:",
            "Sauvegarde enregistrée :",
            "Copia guardada:",
            "حُفظت النسخة الاحتياطية:",
            "Copie de rezervă salvată:",
            "Резервная копия сохранена:",
        ],
        Msg::Added => [
            "added",
            "ajoutées",
            "añadidas",
            "أُضيفت",
            "adăugate",
            "добавлено",
        ],
        Msg::Updated => [
            "updated",
            "mises à jour",
            "actualizadas",
            "حُدّثت",
            "actualizate",
            "обновлено",
        ],
        Msg::AlreadyHere => [
            "already on this device",
            "déjà sur cet appareil",
            "ya en este dispositivo",
            "موجودة مسبقًا على هذا الجهاز",
            "deja pe acest dispozitiv",
            "уже на устройстве",
        ],
        Msg::Responses => [
            "responses",
            "réponses",
            "respuestas",
            "استجابات",
            "răspunsuri",
            "анкет",
        ],
        Msg::Untitled => [
            "started",
            "commencé",
            "iniciado",
            "بدأ",
            "început",
            "начато",
        ],
        Msg::UpdateReady => [
            "A new version of Fieldform is ready.",
            "Une nouvelle version de Fieldform est prête.",
            "Una nueva versión de Fieldform está lista.",
            "إصدار جديد من Fieldform جاهز.",
            "O versiune nouă a Fieldform este gata.",
            "Готова новая версия Fieldform.",
        ],
        Msg::UpdateReload => [
            "Reload to update",
            "Recharger pour mettre à jour",
            "Recargar para actualizar",
            "أعد التحميل للتحديث",
            "Reîncărcați pentru actualizare",
            "Перезагрузить для обновления",
        ],
        Msg::InstallApp => [
            "Install Fieldform on this device so its data is not cleared by the browser",
            "Installer Fieldform sur cet appareil pour que le navigateur n'efface pas ses données",
            "Instalar Fieldform en este dispositivo para que el navegador no borre sus datos",
            "ثبّت Fieldform على هذا الجهاز كي لا يمسح المتصفح بياناته",
            "Instalați Fieldform pe acest dispozitiv, ca browserul să nu-i șteargă datele",
            "Установить Fieldform на это устройство, чтобы браузер не стёр его данные",
        ],
        Msg::StoragePersistent => [
            "Storage is persistent",
            "Le stockage est persistant",
            "El almacenamiento es persistente",
            "التخزين دائم",
            "Stocarea este persistentă",
            "Хранилище постоянное",
        ],
        Msg::StorageNotPersistent => [
            "Storage is not persistent: the browser may clear it when space runs low",
            "Le stockage n'est pas persistant : le navigateur peut l'effacer s'il manque de place",
            "El almacenamiento no es persistente: el navegador puede borrarlo si falta espacio",
            "التخزين غير دائم: قد يمسحه المتصفح عند نفاد المساحة",
            "Stocarea nu este persistentă: browserul o poate șterge când rămâne fără spațiu",
            "Хранилище не постоянное: браузер может очистить его при нехватке места",
        ],
        Msg::StorageUsage => [
            "{used} used, {free} available",
            "{used} utilisés, {free} disponibles",
            "{used} usados, {free} disponibles",
            "المستخدم {used}، المتاح {free}",
            "{used} folosiți, {free} disponibili",
            "Занято {used}, свободно {free}",
        ],
        Msg::StorageUnknown => [
            "This browser does not report its storage",
            "Ce navigateur n'indique pas son stockage",
            "Este navegador no informa de su almacenamiento",
            "هذا المتصفح لا يُبلغ عن مساحة التخزين",
            "Acest browser nu raportează spațiul de stocare",
            "Этот браузер не сообщает о хранилище",
        ],
        Msg::Megabytes => ["MB", "Mo", "MB", "ميغابايت", "MB", "МБ"],
        Msg::Gigabytes => ["GB", "Go", "GB", "غيغابايت", "GB", "ГБ"],
        Msg::DecimalSeparator => [".", ",", ",", ".", ",", ","],
        Msg::ConfirmFewer => [
            "This lower number removes {n} filled entries and their answers. Remove them?",
            "Ce nombre plus petit supprime {n} entrées remplies et leurs réponses. Les supprimer ?",
            "Este número menor elimina {n} entradas completadas y sus respuestas. ¿Eliminarlas?",
            "هذا العدد الأصغر يحذف {n} من الإدخالات المعبأة وإجاباتها. هل تريد حذفها؟",
            "Acest număr mai mic șterge {n} înregistrări completate și răspunsurile lor. Le ștergeți?",
            "Это меньшее число удалит заполненные записи ({n}) и их ответы. Удалить их?",
        ],
        Msg::NumberExample => [
            "Enter a number such as {example}.",
            "Saisissez un nombre, par exemple {example}.",
            "Introduzca un número, por ejemplo {example}.",
            "أدخل رقمًا، مثل {example}.",
            "Introduceți un număr, de exemplu {example}.",
            "Введите число, например {example}.",
        ],
        Msg::WholeNumberExample => [
            "Enter a whole number such as {example}.",
            "Saisissez un nombre entier, par exemple {example}.",
            "Introduzca un número entero, por ejemplo {example}.",
            "أدخل عددًا صحيحًا، مثل {example}.",
            "Introduceți un număr întreg, de exemplu {example}.",
            "Введите целое число, например {example}.",
        ],
        Msg::Forms => [
            "Forms",
            "Formulaires",
            "Formularios",
            "الاستمارات",
            "Formulare",
            "Формы",
        ],
        Msg::MissingDataFile => [
            "This form needs its data file {files}, which is not on this device yet and could not be downloaded ({why}). Connect to the network and open the form again.",
            "Ce formulaire a besoin de son fichier de données {files}, qui n'est pas encore sur cet appareil et n'a pas pu être téléchargé ({why}). Connectez-vous au réseau et rouvrez le formulaire.",
            "Este formulario necesita su archivo de datos {files}, que aún no está en este dispositivo y no se pudo descargar ({why}). Conéctese a la red y vuelva a abrir el formulario.",
            "تحتاج هذه الاستمارة إلى ملف البيانات {files}، وهو غير موجود على هذا الجهاز بعد وتعذّر تنزيله ({why}). اتصل بالشبكة ثم افتح الاستمارة من جديد.",
            "Acest formular are nevoie de fișierul de date {files}, care nu se află încă pe acest dispozitiv și nu a putut fi descărcat ({why}). Conectați-vă la rețea și deschideți din nou formularul.",
            "Этой форме нужен файл данных {files}, которого ещё нет на этом устройстве и который не удалось загрузить ({why}). Подключитесь к сети и откройте форму снова.",
        ],
        Msg::MissingDataFiles => [
            "This form needs its data files {files}, which are not on this device yet and could not be downloaded ({why}). Connect to the network and open the form again.",
            "Ce formulaire a besoin de ses fichiers de données {files}, qui ne sont pas encore sur cet appareil et n'ont pas pu être téléchargés ({why}). Connectez-vous au réseau et rouvrez le formulaire.",
            "Este formulario necesita sus archivos de datos {files}, que aún no están en este dispositivo y no se pudieron descargar ({why}). Conéctese a la red y vuelva a abrir el formulario.",
            "تحتاج هذه الاستمارة إلى ملفات البيانات {files}، وهي غير موجودة على هذا الجهاز بعد وتعذّر تنزيلها ({why}). اتصل بالشبكة ثم افتح الاستمارة من جديد.",
            "Acest formular are nevoie de fișierele de date {files}, care nu se află încă pe acest dispozitiv și nu au putut fi descărcate ({why}). Conectați-vă la rețea și deschideți din nou formularul.",
            "Этой форме нужны файлы данных {files}, которых ещё нет на этом устройстве и которые не удалось загрузить ({why}). Подключитесь к сети и откройте форму снова.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missing_data_file_message_is_in_every_language() {
        for msg in [Msg::MissingDataFile, Msg::MissingDataFiles] {
            for text in words(msg) {
                assert!(
                    text.contains("{files}") && text.contains("{why}"),
                    "{msg:?}: {text}"
                );
            }
        }
        let one = ["villages.csv".to_owned()];
        let two = ["villages.csv".to_owned(), "people.csv".to_owned()];
        assert_eq!(
            missing_data_files(&one, "offline", "ro-MD"),
            "Acest formular are nevoie de fișierul de date villages.csv, care nu se află încă pe acest dispozitiv și nu a putut fi descărcat (offline). Conectați-vă la rețea și deschideți din nou formularul."
        );
        assert_eq!(
            missing_data_files(&two, "offline", "ru"),
            "Этой форме нужны файлы данных villages.csv, people.csv, которых ещё нет на этом устройстве и которые не удалось загрузить (offline). Подключитесь к сети и откройте форму снова."
        );
        assert!(
            missing_data_files(&two, "offline", "de").starts_with(
                "This form needs its data files villages.csv, people.csv, which are not"
            )
        );
    }
}
