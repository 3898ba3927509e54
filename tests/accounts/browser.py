from playwright.sync_api import Page, expect


def expect_message(page: Page, text: str) -> None:
    """The flash message saying `text` is shown (other alerts, e.g. engine banners, may be too)."""
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()
