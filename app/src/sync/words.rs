//! The words of sync, enrolment and delivery, in the app's languages
//! (English, French, Spanish, Arabic, Romanian, Russian; see `i18n`).
//! Written for an enumerator: what happened, that nothing is lost, and
//! what to do, if anything.

use crate::i18n::pick;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum W {
    Heading,
    NotEnrolled,
    ConnectedAs,
    Queued,
    NothingQueued,
    Sending,
    Checking,
    LastSuccess,
    NeverSynced,
    Offline,
    Unreachable,
    NotTheServer,
    ServerTrouble,
    CredentialRefused,
    StorageFailed,
    NextTry,
    SendNow,
    SignIn,
    Username,
    Password,
    Disconnect,
    ConfirmDisconnect,
    Enrolling,
    Enrolled,
    EnrolFailed,
    EnrolUnreachable,
    Continue,
    TryAgain,
    WaitingToSend,
    Received,
    ClearSent,
    ConfirmClearSent,
    SentBack,
    ReviewerAsks,
    ServerRefused,
}

/// `w` in `lang`, else English.
pub fn w(w: W, lang: &str) -> &'static str {
    pick(words(w), lang)
}

fn words(w: W) -> [&'static str; 6] {
    match w {
        W::Heading => [
            "Sending to the server",
            "Envoi au serveur",
            "Envío al servidor",
            "الإرسال إلى الخادم",
            "Trimitere la server",
            "Отправка на сервер",
        ],
        W::NotEnrolled => [
            "This tablet is not connected to a server yet. Open the enrolment link from your coordinator, or sign in. Responses stay on this tablet until then.",
            "Cette tablette n'est pas encore reliée à un serveur. Ouvrez le lien d'inscription de votre coordinateur, ou connectez-vous. Les réponses restent sur la tablette d'ici là.",
            "Esta tableta aún no está conectada a un servidor. Abra el enlace de registro de su coordinador o inicie sesión. Las respuestas se quedan en la tableta hasta entonces.",
            "هذا الجهاز اللوحي غير متصل بخادم بعد. افتح رابط التسجيل من منسقك، أو سجّل الدخول. تبقى الإجابات على هذا الجهاز حتى ذلك الحين.",
            "Această tabletă nu este încă conectată la un server. Deschideți linkul de înrolare de la coordonator sau autentificați-vă. Până atunci răspunsurile rămân pe tabletă.",
            "Этот планшет ещё не подключён к серверу. Откройте ссылку регистрации от координатора или войдите. До тех пор ответы остаются на планшете.",
        ],
        W::ConnectedAs => [
            "Connected as",
            "Connecté en tant que",
            "Conectado como",
            "متصل باسم",
            "Conectat ca",
            "Подключено как",
        ],
        W::Queued => [
            "{n} waiting to be sent",
            "{n} en attente d'envoi",
            "{n} pendientes de envío",
            "{n} في انتظار الإرسال",
            "{n} în așteptare pentru trimitere",
            "Ожидают отправки: {n}",
        ],
        W::NothingQueued => [
            "Nothing is waiting to be sent.",
            "Rien n'attend d'être envoyé.",
            "No hay nada pendiente de envío.",
            "لا يوجد شيء في انتظار الإرسال.",
            "Nimic nu așteaptă să fie trimis.",
            "Нет ответов, ожидающих отправки.",
        ],
        W::Sending => [
            "Sending {done} of {total}…",
            "Envoi de {done} sur {total}…",
            "Enviando {done} de {total}…",
            "جارٍ إرسال {done} من {total}…",
            "Se trimite {done} din {total}…",
            "Отправка: {done} из {total}…",
        ],
        W::Checking => [
            "Connecting to the server…",
            "Connexion au serveur…",
            "Conectando con el servidor…",
            "جارٍ الاتصال بالخادم…",
            "Conectare la server…",
            "Подключение к серверу…",
        ],
        W::LastSuccess => [
            "Last successful sync:",
            "Dernière synchronisation réussie :",
            "Última sincronización correcta:",
            "آخر مزامنة ناجحة:",
            "Ultima sincronizare reușită:",
            "Последняя успешная синхронизация:",
        ],
        W::NeverSynced => [
            "Not synced yet.",
            "Pas encore synchronisé.",
            "Aún no sincronizado.",
            "لم تتم المزامنة بعد.",
            "Nesincronizat încă.",
            "Ещё не синхронизировано.",
        ],
        W::Offline => [
            "No network. Responses stay on this tablet and are sent when the network is back.",
            "Pas de réseau. Les réponses restent sur la tablette et seront envoyées au retour du réseau.",
            "Sin red. Las respuestas se quedan en la tableta y se enviarán cuando vuelva la red.",
            "لا توجد شبكة. تبقى الإجابات على هذا الجهاز وتُرسل عند عودة الشبكة.",
            "Fără rețea. Răspunsurile rămân pe tabletă și se trimit când revine rețeaua.",
            "Нет сети. Ответы остаются на планшете и будут отправлены, когда сеть появится.",
        ],
        W::Unreachable => [
            "The server cannot be reached. Responses stay on this tablet; Fieldform keeps trying.",
            "Le serveur est injoignable. Les réponses restent sur la tablette ; Fieldform réessaie.",
            "No se puede contactar con el servidor. Las respuestas se quedan en la tableta; Fieldform lo sigue intentando.",
            "تعذّر الوصول إلى الخادم. تبقى الإجابات على هذا الجهاز، ويواصل Fieldform المحاولة.",
            "Serverul nu poate fi contactat. Răspunsurile rămân pe tabletă; Fieldform reîncearcă.",
            "Сервер недоступен. Ответы остаются на планшете; Fieldform продолжает попытки.",
        ],
        W::NotTheServer => [
            "The network answered instead of the server (a Wi-Fi login page?). Open any web page to sign in to the network. Nothing is lost; Fieldform keeps trying.",
            "Le réseau a répondu à la place du serveur (une page de connexion Wi-Fi ?). Ouvrez une page web pour vous connecter au réseau. Rien n'est perdu ; Fieldform réessaie.",
            "La red respondió en lugar del servidor (¿una página de acceso Wi-Fi?). Abra una página web para conectarse a la red. No se pierde nada; Fieldform lo sigue intentando.",
            "أجابت الشبكة بدلاً من الخادم (صفحة تسجيل دخول Wi-Fi؟). افتح أي صفحة ويب لتسجيل الدخول إلى الشبكة. لم يُفقد شيء، ويواصل Fieldform المحاولة.",
            "A răspuns rețeaua în locul serverului (o pagină de autentificare Wi-Fi?). Deschideți o pagină web pentru a vă conecta la rețea. Nu se pierde nimic; Fieldform reîncearcă.",
            "Вместо сервера ответила сеть (страница входа в Wi-Fi?). Откройте любую веб-страницу, чтобы войти в сеть. Ничего не потеряно; Fieldform продолжает попытки.",
        ],
        W::ServerTrouble => [
            "The server has a problem just now. Responses stay on this tablet; Fieldform keeps trying.",
            "Le serveur a un problème en ce moment. Les réponses restent sur la tablette ; Fieldform réessaie.",
            "El servidor tiene un problema en este momento. Las respuestas se quedan en la tableta; Fieldform lo sigue intentando.",
            "يواجه الخادم مشكلة الآن. تبقى الإجابات على هذا الجهاز، ويواصل Fieldform المحاولة.",
            "Serverul are o problemă acum. Răspunsurile rămân pe tabletă; Fieldform reîncearcă.",
            "На сервере сейчас неполадки. Ответы остаются на планшете; Fieldform продолжает попытки.",
        ],
        W::CredentialRefused => [
            "The server no longer accepts this tablet (access withdrawn or expired). Ask your coordinator for a new enrolment link, or sign in again. Every response stays on this tablet.",
            "Le serveur n'accepte plus cette tablette (accès retiré ou expiré). Demandez un nouveau lien d'inscription à votre coordinateur, ou reconnectez-vous. Toutes les réponses restent sur la tablette.",
            "El servidor ya no acepta esta tableta (acceso retirado o caducado). Pida un nuevo enlace de registro a su coordinador o vuelva a iniciar sesión. Todas las respuestas se quedan en la tableta.",
            "لم يعد الخادم يقبل هذا الجهاز (سُحب الوصول أو انتهت صلاحيته). اطلب من منسقك رابط تسجيل جديدًا، أو سجّل الدخول من جديد. تبقى كل الإجابات على هذا الجهاز.",
            "Serverul nu mai acceptă această tabletă (acces retras sau expirat). Cereți coordonatorului un nou link de înrolare sau autentificați-vă din nou. Toate răspunsurile rămân pe tabletă.",
            "Сервер больше не принимает этот планшет (доступ отозван или истёк). Попросите у координатора новую ссылку регистрации или войдите снова. Все ответы остаются на планшете.",
        ],
        W::StorageFailed => [
            "This tablet's storage failed:",
            "Le stockage de la tablette a échoué :",
            "El almacenamiento de la tableta falló:",
            "فشل التخزين على هذا الجهاز:",
            "Stocarea tabletei a eșuat:",
            "Сбой хранилища планшета:",
        ],
        W::NextTry => [
            "Next attempt at",
            "Prochain essai à",
            "Próximo intento a las",
            "المحاولة التالية في",
            "Următoarea încercare la",
            "Следующая попытка в",
        ],
        W::SendNow => [
            "Send now",
            "Envoyer maintenant",
            "Enviar ahora",
            "أرسل الآن",
            "Trimite acum",
            "Отправить сейчас",
        ],
        W::SignIn => [
            "Sign in",
            "Se connecter",
            "Iniciar sesión",
            "تسجيل الدخول",
            "Autentificare",
            "Войти",
        ],
        W::Username => [
            "User name",
            "Nom d'utilisateur",
            "Nombre de usuario",
            "اسم المستخدم",
            "Nume de utilizator",
            "Имя пользователя",
        ],
        W::Password => [
            "Password",
            "Mot de passe",
            "Contraseña",
            "كلمة المرور",
            "Parolă",
            "Пароль",
        ],
        W::Disconnect => [
            "Disconnect this tablet",
            "Déconnecter cette tablette",
            "Desconectar esta tableta",
            "فصل هذا الجهاز",
            "Deconectați această tabletă",
            "Отключить этот планшет",
        ],
        W::ConfirmDisconnect => [
            "Disconnect this tablet from the server? Its responses stay on it and are sent once it is connected again.",
            "Déconnecter cette tablette du serveur ? Ses réponses y restent et seront envoyées une fois la tablette reconnectée.",
            "¿Desconectar esta tableta del servidor? Sus respuestas se quedan en ella y se enviarán cuando vuelva a conectarse.",
            "هل تريد فصل هذا الجهاز عن الخادم؟ تبقى إجاباته عليه وتُرسل عند إعادة الاتصال.",
            "Deconectați această tabletă de la server? Răspunsurile rămân pe ea și se trimit după reconectare.",
            "Отключить этот планшет от сервера? Ответы останутся на нём и будут отправлены после повторного подключения.",
        ],
        W::Enrolling => [
            "Connecting this tablet to the server…",
            "Connexion de cette tablette au serveur…",
            "Conectando esta tableta al servidor…",
            "جارٍ ربط هذا الجهاز بالخادم…",
            "Se conectează tableta la server…",
            "Подключение планшета к серверу…",
        ],
        W::Enrolled => [
            "This tablet is now connected to the server as",
            "Cette tablette est maintenant reliée au serveur en tant que",
            "Esta tableta ya está conectada al servidor como",
            "أصبح هذا الجهاز متصلاً بالخادم باسم",
            "Această tabletă este acum conectată la server ca",
            "Планшет подключён к серверу как",
        ],
        W::EnrolFailed => [
            "This enrolment link does not work. Ask your coordinator for a new one. The server said:",
            "Ce lien d'inscription ne fonctionne pas. Demandez-en un nouveau à votre coordinateur. Le serveur a répondu :",
            "Este enlace de registro no funciona. Pida uno nuevo a su coordinador. El servidor respondió:",
            "رابط التسجيل هذا لا يعمل. اطلب رابطًا جديدًا من منسقك. ردّ الخادم:",
            "Acest link de înrolare nu funcționează. Cereți coordonatorului unul nou. Serverul a răspuns:",
            "Эта ссылка регистрации не работает. Попросите у координатора новую. Ответ сервера:",
        ],
        W::EnrolUnreachable => [
            "The server cannot be reached. Connect to the network and try again.",
            "Le serveur est injoignable. Connectez-vous au réseau et réessayez.",
            "No se puede contactar con el servidor. Conéctese a la red e inténtelo de nuevo.",
            "تعذّر الوصول إلى الخادم. اتصل بالشبكة وحاول مرة أخرى.",
            "Serverul nu poate fi contactat. Conectați-vă la rețea și încercați din nou.",
            "Сервер недоступен. Подключитесь к сети и попробуйте снова.",
        ],
        W::Continue => [
            "Continue",
            "Continuer",
            "Continuar",
            "متابعة",
            "Continuați",
            "Продолжить",
        ],
        W::TryAgain => [
            "Try again",
            "Réessayer",
            "Reintentar",
            "حاول مرة أخرى",
            "Încercați din nou",
            "Повторить",
        ],
        W::WaitingToSend => [
            "Waiting to be sent",
            "En attente d'envoi",
            "Pendiente de envío",
            "في انتظار الإرسال",
            "În așteptare pentru trimitere",
            "Ожидает отправки",
        ],
        W::Received => [
            "Received by the server",
            "Reçu par le serveur",
            "Recibido por el servidor",
            "استلمه الخادم",
            "Primit de server",
            "Получено сервером",
        ],
        W::ClearSent => [
            "Remove sent responses from this tablet",
            "Retirer de la tablette les réponses envoyées",
            "Quitar de la tableta las respuestas enviadas",
            "إزالة الإجابات المرسلة من هذا الجهاز",
            "Eliminați de pe tabletă răspunsurile trimise",
            "Удалить отправленные ответы с планшета",
        ],
        W::ConfirmClearSent => [
            "Remove the sent responses from this tablet? The server keeps them.",
            "Retirer les réponses envoyées de cette tablette ? Le serveur les conserve.",
            "¿Quitar las respuestas enviadas de esta tableta? El servidor las conserva.",
            "هل تريد إزالة الإجابات المرسلة من هذا الجهاز؟ يحتفظ بها الخادم.",
            "Eliminați răspunsurile trimise de pe această tabletă? Serverul le păstrează.",
            "Удалить отправленные ответы с этого планшета? На сервере они сохранятся.",
        ],
        W::SentBack => [
            "Sent back:",
            "Renvoyé :",
            "Devuelto:",
            "أُعيد:",
            "Trimis înapoi:",
            "Возвращено:",
        ],
        W::ReviewerAsks => [
            "A reviewer asks for a correction. Correct the response and finish it again:",
            "Un vérificateur demande une correction. Corrigez la réponse et terminez-la à nouveau :",
            "Un revisor pide una corrección. Corrija la respuesta y termínela de nuevo:",
            "يطلب المراجع تصحيحًا. صحّح الإجابة ثم أنهِها من جديد:",
            "Un verificator cere o corectură. Corectați răspunsul și finalizați-l din nou:",
            "Проверяющий просит исправить ответ. Исправьте его и завершите снова:",
        ],
        W::ServerRefused => [
            "The server did not accept this response. Correct it and finish it again:",
            "Le serveur n'a pas accepté cette réponse. Corrigez-la et terminez-la à nouveau :",
            "El servidor no aceptó esta respuesta. Corríjala y termínela de nuevo:",
            "لم يقبل الخادم هذه الإجابة. صحّحها ثم أنهِها من جديد:",
            "Serverul nu a acceptat acest răspuns. Corectați-l și finalizați-l din nou:",
            "Сервер не принял этот ответ. Исправьте его и завершите снова:",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_in_every_language() {
        for (msg, keys) in [
            (W::Queued, &["{n}"][..]),
            (W::Sending, &["{done}", "{total}"][..]),
        ] {
            for text in words(msg) {
                for key in keys {
                    assert!(text.contains(key), "{msg:?}: {text}");
                }
            }
        }
        assert_eq!(w(W::SendNow, "ro-MD"), "Trimite acum");
        assert_eq!(w(W::SendNow, "de"), "Send now");
    }
}
