// Runs inside the H5P player's frame: the player saves resume state with its
// own jQuery, so give those requests the CSRF token Django asks for.
(function () {
  "use strict";
  var match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
  if (match && window.H5P && window.H5P.jQuery) {
    window.H5P.jQuery.ajaxSetup({ headers: { "X-CSRFToken": decodeURIComponent(match[1]) } });
  }
})();
