"""The child protection file moves with the child: the sending DSL prepares the sealed file and
records how it was sent; the receiving DSL imports it with the passphrase and downloads the
receipt; the sender uploads the receipt and sees "Receipt confirmed". axe runs on every page."""

import json

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, sign_in_as
from transfer.models import ReceivedTransfer, Transfer, TransferredRecord
from transfer.tests.helpers import child_with_file, leave, receiving_dsl


def test_sending_and_receiving_dsl_move_the_file(
    page: Page, browser: Browser, live_server, dsl, pupil, unrelated_school, tmp_path
):
    sent = child_with_file(dsl=dsl, pupil=pupil, concerns=1)
    leave(dsl=dsl, pupil=pupil, destination=unrelated_school.name)
    receiver = receiving_dsl(unrelated_school, pupil)

    # The sending DSL: the ledger, the transfer, prepare, download, record how it was sent.
    sign_in_as(page, live_server, dsl)
    page.goto(f"{live_server.url}/transfers/")
    expect(page.get_by_role("heading", name="Child protection file transfers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=pupil.display_name).click()
    expect(page.locator("#transfer-status")).to_have_text("To prepare")
    assert_accessible(page)
    page.get_by_role("link", name="Prepare the file").click()
    page.get_by_label("Receiving school's URN").fill(unrelated_school.urn)
    assert_accessible(page)
    page.get_by_role("button", name="Prepare the file").click()
    passphrase = page.locator("#passphrase").inner_text()
    assert len(passphrase) == 29
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the sealed file").click()
    sealed = tmp_path / "file.cairn-transfer"
    download_info.value.save_as(sealed)
    page.get_by_role("link", name="Record how it was sent").click()
    page.get_by_label("Encrypted e-mail attachment").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#transfer-status")).to_have_text("Sent")

    # The receiving DSL, in a browser of their own: a wrong passphrase is refused, then import.
    other = browser.new_context(base_url=live_server.url)
    theirs = sign_in_as(other.new_page(), live_server, receiver)
    theirs.goto(f"{live_server.url}/transfers/import/")
    theirs.get_by_label("Transfer file").set_input_files(str(sealed))
    theirs.get_by_label("Passphrase").fill("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")
    theirs.get_by_role("button", name="Import the file").click()
    expect(theirs.get_by_role("alert")).to_contain_text("The passphrase is not the one")
    assert_accessible(theirs)
    assert not ReceivedTransfer.objects.exists()
    theirs.get_by_label("Transfer file").set_input_files(str(sealed))
    theirs.get_by_label("Passphrase").fill(passphrase)
    theirs.get_by_role("button", name="Import the file").click()
    expect(theirs.get_by_role("heading", name=f"Child protection file from {dsl.school.name}"))
    assert_accessible(theirs)
    assert TransferredRecord.objects.count() > 0
    with theirs.expect_download() as receipt_info:
        theirs.get_by_role("link", name="Download the receipt").click()
    receipt = tmp_path / "receipt.json"
    receipt_info.value.save_as(receipt)
    assert json.loads(receipt.read_text())["signature"]
    theirs.get_by_role("link", name=f"Open {pupil.display_name}'s chronology").click()
    expect(theirs.get_by_text(f"Transferred from {dsl.school.name}").first).to_be_visible()
    assert_accessible(theirs)
    other.close()

    # The sender uploads the receipt.
    transfer = Transfer.objects.get(pupil=pupil)
    page.goto(f"{live_server.url}/transfers/{transfer.pk}/")
    page.get_by_role("link", name="Upload the receipt").click()
    page.get_by_label("Receipt file").set_input_files(str(receipt))
    assert_accessible(page)
    page.get_by_role("button", name="Check the receipt").click()
    expect(page.locator("#transfer-status")).to_have_text("Receipt confirmed")
    expect(page.get_by_text(receiver.user.full_name)).to_be_visible()
    assert_accessible(page)
    assert sent.attachments
