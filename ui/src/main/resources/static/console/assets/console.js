// Quiver console: progressive enhancement only. Every page works without scripts; these add a collapsible menu on
// phone widths, copy buttons, and a confirmation before destructive forms.
(function () {
    'use strict';
    document.documentElement.classList.add('js');

    document.addEventListener('DOMContentLoaded', function () {
        var toggle = document.querySelector('.menu-toggle');
        var nav = document.getElementById('site-nav');
        if (toggle && nav) {
            nav.setAttribute('data-collapsed', 'true');
            toggle.addEventListener('click', function () {
                var open = toggle.getAttribute('aria-expanded') === 'true';
                toggle.setAttribute('aria-expanded', String(!open));
                nav.setAttribute('data-collapsed', String(open));
            });
        }

        document.querySelectorAll('[data-copy-target]').forEach(function (button) {
            button.addEventListener('click', function () {
                var target = document.getElementById(button.getAttribute('data-copy-target'));
                if (!target) {
                    return;
                }
                var text = target.textContent;
                var done = function () {
                    var label = button.textContent;
                    button.textContent = 'Copied';
                    button.setAttribute('aria-live', 'polite');
                    setTimeout(function () { button.textContent = label; }, 2000);
                };
                if (navigator.clipboard && window.isSecureContext) {
                    navigator.clipboard.writeText(text).then(done, function () { selectText(target); });
                } else {
                    selectText(target);
                    try { document.execCommand('copy'); done(); } catch (e) { /* the text stays selected */ }
                }
            });
        });

        document.querySelectorAll('form[data-confirm]').forEach(function (form) {
            form.addEventListener('submit', function (event) {
                if (!window.confirm(form.getAttribute('data-confirm'))) {
                    event.preventDefault();
                }
            });
        });
    });

    function selectText(element) {
        var range = document.createRange();
        range.selectNodeContents(element);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }
})();

// Operator pages: the tenant-delete button stays disabled until the tenant's name is typed (the server checks too).
document.addEventListener('DOMContentLoaded', function () {
    'use strict';
    document.querySelectorAll('input[data-must-match]').forEach(function (input) {
        var button = input.form && input.form.querySelector('button[type=submit]');
        if (!button) {
            return;
        }
        var update = function () { button.disabled = input.value.trim() !== input.getAttribute('data-must-match'); };
        input.addEventListener('input', update);
        update();
    });
});
