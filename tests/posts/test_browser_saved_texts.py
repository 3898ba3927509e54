"""Saved texts in real Chromium, in French: the composer's menu inserts a hashtag group where the
cursor is (spaced from the words around it) and a caption into the text of the tab shown."""

import pytest
from playwright.sync_api import expect

from posts.models import SavedText

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_composer_inserts_saved_texts_at_the_cursor(sign_in, live_server, page, editor, brand_a, account):
    editor.language = "fr"
    editor.save()
    SavedText.objects.create(brand=brand_a, kind="hashtags", name="Été", text="#été #soleil")
    SavedText.objects.create(brand=brand_a, kind="caption", name="Signature", text="— L’équipe Lumière")
    sign_in(editor)
    page.goto(f"{live_server.url}/b/{brand_a.slug}/posts/new/")
    text = page.get_by_label("Texte", exact=True)
    text.fill("Bonjour le monde")
    text.evaluate("area => area.setSelectionRange(7, 7)")  # after "Bonjour"

    page.get_by_role("button", name="Insérer un texte enregistré").click()
    menu = page.locator("#saved-text-menu")
    expect(menu.get_by_role("heading", name="Hashtags")).to_be_visible()
    menu.get_by_role("button", name="Été").click()
    expect(text).to_have_value("Bonjour #été #soleil le monde")
    expect(text).to_be_focused()
    assert text.evaluate("area => area.selectionStart") == len("Bonjour #été #soleil")

    # The counters follow the inserted text (composer.js listens to input events).
    page.get_by_label(account.display_name, exact=False).first.check()
    expect(page.locator("#counters")).to_contain_text(str(len("Bonjour #été #soleil le monde")))

    text.evaluate("area => area.setSelectionRange(area.value.length, area.value.length)")
    page.get_by_role("button", name="Insérer un texte enregistré").click()
    menu.get_by_role("button", name="Signature").click()
    expect(text).to_have_value("Bonjour #été #soleil le monde — L’équipe Lumière")

    # In a network's own tab, the insertion goes into that network's text.
    page.get_by_role("tab", name=account.display_name).click()
    own = page.locator(f"textarea[data-counted='{account.pk}']")
    own.fill("Pour Fake")
    page.get_by_role("button", name="Insérer un texte enregistré").click()
    menu.get_by_role("button", name="Été").click()
    expect(own).to_have_value("Pour Fake #été #soleil")
    expect(text).to_have_value("Bonjour #été #soleil le monde — L’équipe Lumière")

    # The menu leads to the brand's list, where the team manages them.
    page.get_by_role("button", name="Insérer un texte enregistré").click()
    manage = menu.get_by_role("link", name="Gérer les textes enregistrés")
    expect(manage).to_be_visible()
    expect(manage).to_have_attribute("href", f"/b/{brand_a.slug}/saved-texts/")
