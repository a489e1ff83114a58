"""Page behaviour Streamlit has no option for, in one place: scrolling to the newest message."""

from __future__ import annotations

import time

import streamlit as st

# Runs in the page (st.html, not an iframe). The newest chat message's top is brought into
# view once the reply is drawn; a few tries cover the draft view still being laid out.
_SCROLL_JS = """<script data-nonce="{nonce}">
(() => {{
  let tries = 0;
  const go = () => {{
    const msgs = document.querySelectorAll('[data-testid="stChatMessage"]');
    if (msgs.length) msgs[msgs.length - 1].scrollIntoView({{block: "start", behavior: "smooth"}});
    if (++tries < 3) setTimeout(go, 250);
  }};
  setTimeout(go, 100);
}})();
</script>"""


def scroll_to_newest() -> None:
    """After a reply: show the newest message (the page otherwise stays where the request
    was typed). A fresh nonce makes Streamlit draw, and so run, the script again each time."""
    st.html(_SCROLL_JS.format(nonce=time.monotonic_ns()), unsafe_allow_javascript=True)
