"""The H5P player core's own interface strings (H5PIntegration.l10n.H5P), in
the viewer's language. The keys are H5P core's; the player shows only a few of
them here (no download, embed or copyright buttons), but content types may use
any."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def core_l10n() -> dict[str, str]:
    return {
        "fullscreen": _("Fullscreen"),
        "disableFullscreen": _("Exit fullscreen"),
        "download": _("Download"),
        "copyrights": _("Rights of use"),
        "embed": pgettext("H5P", "Embed"),
        "size": pgettext("H5P", "Size"),
        "showAdvanced": _("Show advanced"),
        "hideAdvanced": _("Hide advanced"),
        "advancedHelp": _("Include this script on your website for dynamic sizing:"),
        "copyrightInformation": _("Rights of use"),
        "close": _("Close"),
        "title": pgettext("H5P", "Title"),
        "author": pgettext("H5P", "Author"),
        "year": pgettext("H5P", "Year"),
        "source": pgettext("H5P", "Source"),
        "license": pgettext("H5P", "License"),
        "thumbnail": pgettext("H5P", "Thumbnail"),
        "noCopyrights": _("No copyright information available for this content."),
        "reuse": _("Reuse"),
        "reuseContent": _("Reuse content"),
        "reuseDescription": _("Reuse this content."),
        "downloadDescription": _("Download this content as an H5P file."),
        "copyrightsDescription": _("View copyright information for this content."),
        "embedDescription": _("View the embed code for this content."),
        "h5pDescription": _("Visit H5P.org to check out more content."),
        "contentChanged": _("This content has changed since you last used it."),
        "startingOver": _("You'll be starting over."),
        "by": pgettext("H5P author", "by"),
        "showMore": _("Show more"),
        "showLess": _("Show less"),
        "subLevel": _("Sublevel"),
        "confirmDialogHeader": _("Confirm action"),
        "confirmDialogBody": _(
            "Please confirm that you wish to proceed. This action is not reversible."
        ),
        "cancelLabel": _("Cancel"),
        "confirmLabel": _("Confirm"),
        "licenseU": _("Undisclosed"),
        "licenseCCBY": _("Attribution"),
        "licenseCCBYSA": _("Attribution-ShareAlike"),
        "licenseCCBYND": _("Attribution-NoDerivs"),
        "licenseCCBYNC": _("Attribution-NonCommercial"),
        "licenseCCBYNCSA": _("Attribution-NonCommercial-ShareAlike"),
        "licenseCCBYNCND": _("Attribution-NonCommercial-NoDerivs"),
        "licenseCC40": _("4.0 International"),
        "licenseCC30": _("3.0 Unported"),
        "licenseCC25": _("2.5 Generic"),
        "licenseCC20": _("2.0 Generic"),
        "licenseCC10": _("1.0 Generic"),
        "licenseGPL": _("General Public License"),
        "licenseV3": _("Version 3"),
        "licenseV2": _("Version 2"),
        "licenseV1": _("Version 1"),
        "licensePD": _("Public Domain"),
        "licenseCC010": _("CC0 1.0 Universal (CC0 1.0) Public Domain Dedication"),
        "licensePDM": _("Public Domain Mark"),
        "licenseC": _("Copyright"),
        "contentType": _("Content type"),
        "licenseExtras": _("License extras"),
        "changes": _("Changelog"),
        "contentCopied": _("Content is copied to the clipboard"),
        # The lesson page keeps results made offline and sends them later;
        # H5P's own offline queue is not used.
        "connectionLost": _("Connection lost. Results will be stored and sent later."),
        "connectionReestablished": _("Connection reestablished."),
        "resubmitScores": _("Attempting to submit stored results."),
        "offlineDialogHeader": _("Your connection to the server was lost"),
        "offlineDialogBody": _(
            "We were unable to send information about your completion of this task. "
            "Please check your internet connection."
        ),
        "offlineDialogRetryMessage": _("Retrying in :num…"),
        "offlineDialogRetryButtonLabel": _("Retry now"),
        "offlineSuccessfulSubmit": _("Successfully submitted results."),
    }
