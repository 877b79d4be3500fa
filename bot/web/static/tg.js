// A minimal stand-in for telegram-web-app.js, so nothing is fetched from the internet: when
// Telegram's own object is absent, build window.Telegram.WebApp from the launch parameters
// Telegram puts in the page's address (#tgWebAppData=…&tgWebAppThemeParams=…).
(function () {
  if (window.Telegram && window.Telegram.WebApp) return;
  var params = new URLSearchParams(location.hash.slice(1));
  var theme = {};
  try { theme = JSON.parse(params.get("tgWebAppThemeParams") || "{}"); } catch (e) { theme = {}; }
  function post(type, data) {
    var payload = JSON.stringify({ eventType: type, eventData: data || {} });
    if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(type, JSON.stringify(data || {}));
    else if (window.parent !== window) window.parent.postMessage(payload, "https://web.telegram.org");
  }
  window.Telegram = { WebApp: {
    initData: params.get("tgWebAppData") || "",
    themeParams: theme,
    colorScheme: "light",
    ready: function () { post("web_app_ready"); },
    expand: function () { post("web_app_expand"); },
  } };
})();
