"""The test console in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver, holds a whole conversation through the page and checks what it shows.

Skipped only where the project's set-up could not have installed the browser (not root on
Debian); on CI, which runs as root, a missing browser is a failure.
"""

from __future__ import annotations

import json

import pytest

from skill.simulator.console import Console, ConsoleServer
from skill.simulator.dialogs import fresh_store_handler
from tests.system_tools import require

WAIT = 60   # seconds for the page to show a turn (a loaded machine renders slowly)


@pytest.fixture(scope="module")
def browser():
    tools = require("chromium", "chromedriver", "espeak-ng")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: it is in pyproject's dev extra (pip install -e .[dev])")
    options = webdriver.ChromeOptions()
    options.binary_location = tools["chromium"]
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--autoplay-policy=no-user-gesture-required",
                     "--mute-audio"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=tools["chromedriver"]),
                              options=options)
    driver.set_script_timeout(WAIT)
    yield driver
    driver.quit()


@pytest.fixture
def console(tmp_path):
    return Console(fresh_store_handler(str(tmp_path)), device="echo-show-8",
                   time_zone="Europe/London")


@pytest.fixture
def page(browser, console):
    server = ConsoleServer(console, "127.0.0.1", 0).start()
    browser.get(server.url)
    _wait(browser, lambda d: d.find_element("tag name", "body").get_attribute("data-ready"))
    yield browser
    server.stop()


def _wait(driver, condition):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def _text(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def say(driver, utterance: str) -> None:
    """Type an utterance, press Enter, and wait until the page has shown the finished turn."""
    turns = int(driver.find_element("tag name", "body").get_attribute("data-turns"))
    box = driver.find_element("id", "utterance")
    box.clear()
    if len(utterance) > 200:   # typing 10,000 keys one by one takes half a minute
        driver.execute_script("arguments[0].value = arguments[1]", box, utterance)
        box.send_keys("\n")
    else:
        box.send_keys(utterance + "\n")
    _wait(driver, lambda d: int(d.find_element("tag name", "body").get_attribute("data-turns"))
          > turns)


def audio_header(driver) -> str:
    """The first four bytes of the WAV the page's player is pointed at, fetched by the page."""
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(document.getElementById("audio").src)
          .then((r) => r.arrayBuffer())
          .then((b) => done(String.fromCharCode(...new Uint8Array(b.slice(0, 4)))))
          .catch((e) => done("failed: " + e));
    """)


def test_a_whole_conversation_through_the_page(page):
    say(page, "open muscle twitch guide")
    assert _text(page, "intent") == "LaunchRequest"
    assert "Welcome to Muscle Twitch Guide" in _text(page, "speech")
    assert audio_header(page) == "RIFF"

    say(page, "can coffee cause twitching")
    assert _text(page, "intent").startswith('CauseIntent Cause="coffee" (ER_SUCCESS_MATCH')
    assert "matches the sample" in _text(page, "explanation")
    assert "caffeine" in _text(page, "slots")
    assert "caffeine" in _text(page, "speech").lower()
    assert _text(page, "card-title") == "Caffeine and Stimulants"
    request = json.loads(page.find_element("id", "request-json").get_attribute("textContent"))
    assert request["request"]["intent"]["slots"]["Cause"]["value"] == "coffee"
    response = json.loads(page.find_element("id", "response-json").get_attribute("textContent"))
    assert response["response"]["directives"][0]["type"] == \
        "Alexa.Presentation.APL.RenderDocument"
    attributes = page.find_element("id", "attributes-json").get_attribute("textContent")
    assert json.loads(attributes)["topic"] == "caffeine"
    assert audio_header(page) == "RIFF"
    frame = page.find_element("id", "screen")
    assert frame.is_displayed()
    page.switch_to.frame(frame)
    _wait(page, lambda d: "Caffeine and Stimulants" in d.find_element("tag name", "body").text)
    viewport = page.find_element("id", "viewport")
    assert (viewport.get_attribute("data-width"), viewport.get_attribute("data-height")) == \
        ("1280", "800")
    page.switch_to.default_content()

    say(page, "more")
    assert _text(page, "intent") == "AMAZON.MoreIntent"
    assert "stimulants" in _text(page, "speech").lower()

    say(page, "ask muscle twitch guide should i worry about my twitching")
    assert "weakness or numbness" in _text(page, "speech")
    from skill.content import get_content

    for _ in range(1 + len(get_content().check.steps)):   # the emergency screen, then each step
        say(page, "no")
    assert "not medical advice" in _text(page, "speech")
    assert _text(page, "card-title") == get_content().check.outcomes["no_signs"].title
    assert "The session is closed." in _text(page, "status")


def test_a_reminder_with_the_permission_granted_when_alexa_asks(page):
    say(page, "open muscle twitch guide")
    box = page.find_element("id", "utterance")
    box.send_keys("remind me every day at 8 am\n")
    _wait(page, lambda d: d.find_element("id", "consent").is_displayed())
    assert _text(page, "consent-question") == "allow Muscle Twitch Guide to set reminders?"
    page.find_element("id", "consent-allow").click()
    _wait(page, lambda d: d.find_element("tag name", "body").get_attribute("data-turns") == "2")
    assert "every day at 8 AM" in _text(page, "speech")
    assert "ACCEPTED" in _text(page, "log")
    assert page.find_element("id", "permission-reminders").is_selected()
    reminders = page.find_element("id", "reminders").get_attribute("textContent")
    assert "8" in reminders and "(none)" not in reminders


def test_odd_input_and_a_device_without_a_screen(page):
    select = page.find_element("id", "device")
    from selenium.webdriver.support.ui import Select

    Select(select).select_by_value("echo-dot")
    _wait(page, lambda d: "New device: echo-dot" in _text(d, "log"))
    say(page, "<img src=x onerror=alert(1)> \u202e\U0001f600 " + "twitch " * 1400)
    assert _text(page, "intent").startswith("AMAZON.FallbackIntent")
    assert page.find_elements("css selector", "#log img") == []
    assert "no screen" in _text(page, "screen-status").lower()
    box = page.find_element("id", "utterance")
    box.send_keys("\n")
    _wait(page, lambda d: "heard nothing" in _text(d, "log"))


def test_touching_a_row_of_the_screen_sends_its_arguments(page, console, monkeypatch):
    touched = []

    def touch(arguments):   # the simulator's touch, recorded (it sends the APL UserEvent)
        touched.append(arguments)
        return console.simulator.say("can coffee cause twitching")

    monkeypatch.setattr(console.simulator, "touch", touch, raising=False)
    say(page, "open muscle twitch guide")
    say(page, "what causes twitching")
    page.switch_to.frame(page.find_element("id", "screen"))
    row = _wait(page, lambda d: d.find_element("css selector",
                                                '[aria-label="Caffeine and Stimulants"]'))
    # A click event on the row itself: WebDriver aims its pointer as if the scaled-down
    # preview were full size, so a pointer click would land on another row.
    page.execute_script("arguments[0].click()", row)
    page.switch_to.default_content()
    _wait(page, lambda d: d.find_element("tag name", "body").get_attribute("data-turns") == "3")
    assert touched == [["topic", "caffeine"]]
    assert _text(page, "card-title") == "Caffeine and Stimulants"
