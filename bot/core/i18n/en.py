"""English catalog: the business-facing messages (agency-facing text stays Vietnamese only)."""

MESSAGES: dict[str, str] = {
    # public web site, open data, Open311 and the public channel (bot/web)
    "web_site_title": "Business feedback, Lạng Sơn province",
    "web_site_description": "How business complaints and recommendations in Lạng Sơn are handled: figures, each "
    "agency's on-time rate, the answers.",
    "web_skip": "Skip to the main content",
    "web_nav": "Navigation",
    "web_nav_home": "Home",
    "web_nav_open_data": "Open data",
    "web_nav_trends": "Trends",
    "web_trends_title": "12-month trends by PCI sub-index and BPI area",
    "web_trends_lead": "Each month from {first} to {last}: items received (bars) and the on-time answer rate (line); "
    "the current month counts up to now. The figures are in a table under each chart.",
    "web_trends_legend_received": "Received in the month (left axis)",
    "web_trends_legend_rate": "On-time answer rate (right axis)",
    "web_trends_pci": "PCI sub-indices",
    "web_trends_bpi": "Private economy areas (BPI)",
    "web_trends_chart": "{topic}: items received and on-time answer rate per month, {first} – {last}",
    "web_trends_table": "Table of figures",
    "web_trends_caption": "{topic}: figures per month",
    "web_trends_month": "Month",
    "web_trends_answered_on_time": "Answered on time",
    "web_trends_bar": "{month}: {n} received",
    "web_trends_point": "{month}: {rate} on time",
    "web_trends_month_short": "{m}",
    "web_footer": "Public results of business complaints and recommendations (Lạng Sơn PCI improvement plan). "
    "Submitters' personal data is never published.",
    "web_home_title": "How business feedback is handled",
    "web_home_lead": "Figures are computed directly from the intake system: every item, transfer, extension "
    "and answer is recorded.",
    "web_lookup_label": "Look up a tracking code",
    "web_lookup_button": "Look up",
    "web_updated": "Figures as of {at}.",
    "web_period": "Period",
    "web_period_all": "All time",
    "web_period_days": "Last {n} days",
    "web_totals": "Overview",
    "web_agency_table": "Agencies ranked by on-time answer rate",
    "web_topic_table": "By PCI sub-index and BPI area",
    "web_latest": "Latest answers",
    "web_col_agency": "Agency",
    "web_col_topic": "Area",
    "web_col_received": "Received",
    "web_col_answered": "Answered",
    "web_col_open": "Open",
    "web_col_overdue": "Overdue",
    "web_col_on_time": "On time",
    "web_col_first_response": "First response (median)",
    "web_col_transfers": "Transferred out",
    "web_col_rating": "Rating",
    "web_hours": "{h} working hours",
    "web_on_time_rule": "On-time rate = items answered on time ÷ (items answered + open items past their "
    "deadline): leaving an item unanswered does not hide it.",
    "web_no_data": "No figures for this period yet.",
    "web_no_tickets": "No items yet.",
    "web_answered_on": "answered on {date}",
    "web_not_published": "The content is not public (the business did not agree to publish it, or it is "
    "confidential).",
    "web_topic_lead": "{kind} index · Lead agency: {agency}",
    "web_ticket_title": "{Noun} {code}",
    "web_ticket_list": "Items ({n})",
    "web_f_code": "Code",
    "web_f_kind": "Kind",
    "web_f_status": "Status",
    "web_f_commune": "Commune or ward",
    "web_f_received": "Received",
    "web_f_due": "Answer deadline",
    "web_f_answered": "Answered",
    "web_f_outcome": "Outcome of the recommendation",
    "web_f_company": "Business",
    "web_f_rating": "Business's rating",
    "web_f_summary": "Content",
    "web_f_answer": "Agency's answer",
    "web_restricted": "Confidential item: only the code, area, agency, status and dates are public.",
    "web_history": "History",
    "web_as_open311": "As Open311 data (JSON)",
    "web_pages": "Pages",
    "web_prev": "Previous",
    "web_next": "Next",
    "web_page_of": "Page {page} of {pages}",
    "web_404_title": "Not found",
    "web_404_text": "There is no such page or item. Please check the tracking code (e.g. LS-7K3QX9).",
    "web_400_title": "Invalid request",
    "web_400_text": "Sorry, the page address or the data sent contains an invalid value. "
    "Please check the link, or go back to the home page.",
    "web_500_title": "Something went wrong",
    "web_500_text": "Sorry, the system failed to show this page. "
    "The error has been logged; please try again in a few minutes.",
    "web_error_detail": "Technical detail",
    "web_ev_submitted": "Received",
    "web_ev_assign": "The coordinator assigned it to {target}",
    "web_ev_take": "The lead agency took it up",
    "web_ev_transfer": "Transferred from {source} to {target}",
    "web_ev_ask": "The agency asked the business for more information",
    "web_ev_info_received": "The business sent more information",
    "web_ev_replied": "The agency replied to the business",
    "web_ev_extended": "Extended by {days} working days, new deadline {due}",
    "web_ev_resolve": "The agency answered",
    "web_ev_reject": "Outside the scope of this service",
    "web_ev_close": "Closed",
    "web_ev_close_confirmed": "Closed (confirmed by the business)",
    "web_ev_reopen": "Reopened",
    "web_ev_rated": "The business rated it {rating}/5",
    "web_ev_note": "Internal note",
    "web_ev_hidden": "Taken off the public site",
    "web_ev_unhidden": "Public again",
    "web_ev_purged": "Old data anonymised",
    "web_od_lead": "Every item that is not hidden is in the open data, with public fields only; the content "
    "appears only when the business agreed to publish it, with personal data removed.",
    "web_od_files": "Files",
    "web_od_csv": "CSV (UTF-8), opens in Excel",
    "web_od_json": "JSON, same fields",
    "web_od_open311": "Open311 GeoReport v2 API (XML and JSON)",
    "web_od_license": "Licence: Creative Commons Attribution 4.0 (CC BY 4.0). Source: Lạng Sơn business feedback "
    "system.",
    "web_od_fields": "Fields",
    "web_od_field": "Field",
    "web_od_type": "Type",
    "web_od_meaning": "Meaning",
    "web_od_open311_notes": "Each area (PCI/BPI index) is a service_code. requests lists the newest first, the "
    "last 90 days and 100 per page by default (page_size up to 1000). expected_datetime is the answer "
    "deadline; times are ISO 8601 with the +07:00 offset. Submitting (POST) needs an api_key from the "
    "Department of Finance.",
    "web_od_rules": "What is published",
    "web_od_rule_private": "Never the submitter's name, phone number, tax code or chat account; the business's "
    "name only with its consent.",
    "web_od_rule_consent": "The content only with the business's consent, after removing phone numbers, e-mails, "
    "tax codes, ID numbers, bank accounts and the submitter's name.",
    "web_od_rule_restricted": "Confidential items and reports of misconduct show only the code, area, agency, "
    "status and dates.",
    "web_od_rule_hidden": "The coordinator can hide an item from public view, with a recorded reason. Hidden "
    "now: {n}; times hidden in total: {events}. Hidden items still count in the figures.",
    "web_field_code": "Tracking code",
    "web_field_kind": "Kind: phan_anh (complaint), kien_nghi (recommendation), hoi_dap (question); empty if "
    "confidential",
    "web_field_topic": "Area id (PCI / BPI index)",
    "web_field_topic_name": "Area name",
    "web_field_agency": "Current lead agency id",
    "web_field_agency_name": "Lead agency name",
    "web_field_state": "State: triage, new, in_progress, awaiting_info, resolved, closed, rejected",
    "web_field_status": "open (being classified, received, in progress, awaiting information)"
    " or closed (answered, closed, outside the scope)",
    "web_field_created_at": "When it was received",
    "web_field_answer_due_at": "Answer deadline (working days, extension included)",
    "web_field_first_response_at": "The agency's first response",
    "web_field_resolved_at": "When it was answered",
    "web_field_closed_at": "When it was closed",
    "web_field_outcome": "Outcome of a recommendation: accepted, under_study, not_accepted",
    "web_field_company": "Business name (only with consent)",
    "web_field_summary": "Content (only with consent, personal data removed)",
    "web_field_answer": "Agency's answer (personal data removed)",
    "web_field_rating": "Business's rating, 1–5",
    "web_field_transfers": "Times transferred between agencies",
    "web_field_extended_days": "Working days of extension",
    "web_field_reopened": "Times reopened",
    "web_yes": "Yes",
    "web_no": "No",
    "web_o311_service": "Complaints and recommendations under the {kind} index; lead agency: {agency}",
    "web_o311_contact": "Department of Finance of Lạng Sơn — {url}",
    "web_o311_key_service": "Ask the Department of Finance of Lạng Sơn for an api_key.",
    "web_o311_extended": "Extended: {reason}",
    "web_o311_notice": "Received, tracking code {code}. Answer deadline: {due}.",
    "web_o311_attr_kind": "Kind of item",
    "web_o311_attr_kind_type": "One of the listed values",
    "web_o311_attr_consent_publish": "The business agrees to publish the content",
    "web_o311_attr_consent_publish_type": "true or false",
    "web_o311_attr_publish_company": "The business agrees to publish its name",
    "web_o311_attr_publish_company_type": "true or false",
    "web_o311_attr_confidential": "Keep the identity confidential (only the coordinator sees it)",
    "web_o311_attr_confidential_type": "true or false",
    "web_o311_attr_company": "Business name",
    "web_o311_attr_company_type": "Text",
    "web_o311_attr_tax_code": "Tax code (10 or 13 digits)",
    "web_o311_attr_tax_code_type": "Digits",
    "web_feed_title": "✅ {Noun} {code} has been answered",
    "web_feed_meta": "Area: {topic}\nLead agency: {agency}",
    "web_feed_dates": "Received: {received} · Deadline: {due} · Answered: {answered}",
    "web_feed_outcome": "Outcome of the recommendation: {outcome}",
    "web_feed_summary": "Content: {text}",
    "web_feed_answer": "Answer: {text}",
    "web_feed_link": "Details: {url}",
    # kinds, states, outcomes, topics
    "kind_phan_anh": "Feedback",
    "kind_kien_nghi": "Recommendation",
    "kind_hoi_dap": "Inquiry",
    "kind_to_cao": "Denunciation",
    "noun_phan_anh": "feedback",
    "noun_kien_nghi": "recommendation",
    "noun_hoi_dap": "question",
    "noun_to_cao": "denunciation",
    "state_triage": "Being classified",
    "state_new": "Received, awaiting handling",
    "state_in_progress": "In progress",
    "state_awaiting_info": "Awaiting additional information",
    "state_resolved": "Answered",
    "state_closed": "Closed",
    "state_rejected": "Outside the scope of this channel",
    "outcome_accepted": "Accepted",
    "outcome_under_study": "Accepted, under study",
    "outcome_not_accepted": "Not accepted",
    "outcome_line": "Outcome of the recommendation: {outcome}\n",
    "topic_none": "Field not yet determined",
    # buttons
    "btn_new": "Submit feedback or a recommendation",
    "btn_status": "Check submitted feedback",
    "btn_yes": "Yes",
    "btn_no": "No",
    "btn_skip": "Skip",
    "btn_split": "Split into 2 items",
    "btn_no_split": "Send as 1 item",
    "ask_split": "Your message raises two issues for two different agencies:\n"
    "1. {first} — {first_agency}\n2. {second} — {second_agency}\n"
    "Would you like to split it into two items, so that each agency answers its own part?",
    "confirm_part": "Item {n}/{total}",
    "btn_send": "Send",
    "btn_other_topic": "Choose another field",
    "btn_cancel": "Cancel",
    "btn_share_phone": "📱 Share my phone number",
    "btn_not_solved": "Not yet resolved",
    "btn_same_contact": "Use previous details: {name}, {phone}",
    # greeting and help
    "greeting": "Respectful greetings to your enterprise! This is the channel for feedback and "
    "recommendations from enterprises in Lạng Sơn Province. Your enterprise may send its "
    "submission right here; the system will forward it to the lead agency and inform you of "
    "the response deadline.",
    "help": "How to use this service:\n"
    "• Send your message (photos and documents may be attached) to start a feedback, recommendation, question "
    "or denunciation.",
    "help_footer": "Response deadlines are counted in working days, excluding Saturdays, Sundays and public "
    "holidays.",
    "cmd_start": "Start and introduction",
    "cmd_new": "Submit a feedback or recommendation",
    "cmd_status": "Your submissions; with a code, look one up",
    "cmd_cancel": "Cancel the submission being drafted",
    "cmd_lang": "Choose a language: vi, en, zh",
    "cmd_link": "Link your Zalo and Telegram accounts to see all your submissions",
    "cmd_help": "How to use this service",
    "not_understood": "The system did not understand your request. Please type /help for instructions, "
    "or send the content of your feedback.",
    "unknown_command": "The system does not support this command. Please type /help for instructions.",
    "button_expired": "This option is no longer valid. Please type /help for instructions.",
    "cancelled": "The draft has been cancelled. No information has been sent.",
    "nothing_to_cancel": "There is currently no draft to cancel.",
    "lang_usage": "Please choose a language: /lang vi (Tiếng Việt), /lang en (English), /lang zh (中文).",
    "lang_set": "The system will now use English.",
    # intake dialog
    "ask_description": "Please describe the content of your enterprise's feedback or recommendation "
    "(photos and documents may be attached).",
    "ask_kind": "What type of submission is this?",
    "more_added": "The system has added this content. Please choose the type of submission:",
    "ask_name": "So that the competent authorities can contact your enterprise when needed, please provide "
    "the full name of the contact person. Only the handling agency can see this information.",
    "ask_phone": "Please provide a contact phone number (or tap the button to share your phone number).",
    "bad_name": "The name is not valid (2–100 characters, including letters). Please enter it again.",
    "bad_phone": "The phone number is not valid. Please enter a 10-digit mobile number (e.g. 0912 345 678) "
    "or a landline number with its area code.",
    "ask_company": "Name of the enterprise or household business (optional):",
    "bad_company": "The enterprise name must be between 2 and 300 characters. Please enter it again or tap "
    "Skip.",
    "ask_tax_code": "Tax code (10 or 13 digits; household businesses may use their 12-digit personal "
    "identification number; optional):",
    "bad_tax_code": "The tax code is not valid. Please check it (10 digits, 13 digits in the form "
    "0123456789-001, or a 12-digit identification number), or tap Skip.",
    "ask_commune": "Commune or ward where your enterprise operates (optional), e.g. Đồng Đăng:",
    "bad_commune": "The system could not find this commune or ward in Lạng Sơn. Please enter it again or "
    "tap Skip.",
    "ask_confidential": "Would your enterprise like its identity to be kept confidential? If so, the "
    "handling agency will not see the name and phone number; only the coordination "
    "unit can see them.",
    "ask_consent": "Does your enterprise agree to the publication of the content of its feedback (with "
    "personal information removed), together with the response, on the public website?",
    "ask_topic": "Please choose the appropriate field:",
    "confirm_card": "Please review before sending:\n"
    "• Type: {kind}\n• Field: {topic}\n• Lead agency: {agency}\n"
    "• Expected response deadline: {due} ({days} working days)\n• Contact: {contact}\n• Commune or ward: {commune}\n"
    "• Keep identity confidential: {confidential}\n• Agree to publication: {consent}\n"
    "• Attachments: {files}\n• To be published: {public}\n• Never published: name, phone number, tax code"
    "\n\n{text}",
    "contact_tax_code": "tax code {tax_code}",
    "confirm_public_text": "Content to be published (personal details removed):\n{text}",
    "public_field_code": "reference code",
    "public_field_kind": "type",
    "public_field_topic": "field",
    "public_field_agency": "lead agency",
    "public_field_commune": "commune/ward",
    "public_field_company": "enterprise name",
    "public_field_summary": "content (personal details removed)",
    "public_field_status": "status and dates",
    "too_long": "The content exceeds {limit} characters. Please shorten it or send it in several messages.",
    "too_many_attachments": "Each submission may include at most {limit} attachments.",
    "receipt": "The system has received your enterprise's {noun}. Reference code: {code}. Lead agency: "
    "{agency}. Response deadline: {due} ({days} working days).",
    "receipt_triage": "The system has received your enterprise's {noun}. Reference code: {code}. The content "
    "is being classified by {agency} to be forwarded to the competent authority. Response "
    "deadline: {due} ({days} working days).",
    # status
    "status_line": "{code} — {kind} — {state}",
    "status_detail": "Field: {topic}. Lead agency: {agency}. Received on: {received}. Response deadline: "
    "{due}.",
    "status_answer": "Response: {text}",
    "status_link": "Details: {url}",
    "status_none": "Your enterprise has not submitted any feedback or recommendations yet.",
    "status_bad_code": "«{code}» is not a valid reference code. Reference codes look like LS-XXXXXX, e.g. LS-7K3QX9.",
    "status_unknown": "No feedback was found with code {code}. Please check the reference code "
    "(format LS-XXXXXX).",
    # the thread with the agency
    "taken": "{Noun} {code} has been accepted for handling by {agency}. Response deadline: {due}.",
    "agency_reply": "{agency} regarding {noun} {code}:\n{text}\n{signature}",
    "agency_question": "{agency} requests additional information from your enterprise regarding "
    "{noun} {code}:\n{text}\n"
    "Please reply right here. The handling deadline is suspended until the information "
    "is received.\n"
    "{signature}",
    "info_added": "The system has forwarded the additional information to the agency handling "
    "{noun} {code}. Response deadline: {due}.",
    "resolved": "{Noun} {code} has been answered.\n{outcome}{text}\n{signature}\n\n"
    "Is your enterprise satisfied with the resolution? (1 = very dissatisfied, "
    "5 = very satisfied)",
    "extended": "The response deadline for {noun} {code} has been extended by {days} working days, "
    "to {due}. Reason: {reason}",
    "transferred": "{Noun} {code} has been transferred to {agency} according to its competence. "
    "Reason: {reason}. The response deadline remains unchanged: {due}.",
    "rejected": "{Noun} {code} falls outside the scope of this channel. Reason: {reason}\n{signature}",
    "reopened": "{Noun} {code} has been reopened and returned to {agency}. New response deadline: {due}.",
    "rated": "Thank you for rating the resolution of {noun} {code}.",
    "rated_reopened": "Thank you. {Noun} {code} has been reopened so that the agency can continue "
    "handling it.",
    "reopened_ack": "{Noun} {code} has been reopened. New response deadline: {due}.",
    "rating_reminder": "{Noun} {code} has been answered. Is your enterprise satisfied with the resolution?",
    "closed_no_answer": "{Noun} {code} has been closed. If the matter has not been resolved, your "
    "enterprise may submit new feedback.",
    # Zalo and identity links
    "unsupported_content": "This channel accepts text messages, images and files only. Please describe your "
    "feedback in text (you may attach images or documents).",
    "link_code": "Link code: {code} (single use, valid for {minutes} minutes). To see all feedback sent via "
    "Zalo and Telegram together, open the other channel and send: /link {code}",
    "link_invalid": "This link code is wrong, already used or expired. Send /link to get a new one.",
    "code_throttled": "A wrong code was entered too many times. For your security, codes are not accepted for "
    "about {minutes} minutes; please try again later.",
    "rate_limited": "You sent more than {limit} messages in one minute. To serve every business, messages sent in "
    "the next {seconds} seconds will not be processed. Please wait a moment and send them again.",
    "link_same": "This code was created from this very account. Please send it from the other channel "
    "(Zalo or Telegram).",
    "link_ok": "Accounts linked. You can now see all feedback sent from the linked channels (send /status).",
    # refusals
    "err_bad_transition": "This action cannot be performed in the current state ({state}).",
    "err_forbidden": "You are not authorised to handle this feedback (it belongs to {agency}).",
    "err_text_required": "Please enter the content.",
    "err_answer_required": "Please enter the response.",
    "err_question_required": "Please enter the question.",
    "err_reason_required": "Please state the reason.",
    "err_too_long": "The content exceeds {limit} characters. Please shorten it or send it in several "
    "messages.",
    "err_bad_kind": "The type of submission is not valid.",
    "err_too_many_attachments": "Each submission may include at most {limit} attachments.",
    "err_unknown_topic": "The field «{topic}» does not exist. Valid field ids: {topics}.",
    "err_unknown_agency": "The agency «{agency}» does not exist. Type /agencies to see the list of agency "
    "codes.",
    "err_outcome_required": "A recommendation requires an outcome: tiep_thu, nghien_cuu or khong_tiep_thu "
    "(e.g. /resolve LS-XXXXXX tiep_thu Response text).",
    "err_same_agency": "The feedback already belongs to {agency}.",
    "err_already_extended": "This feedback has already been extended once; it cannot be extended again.",
    "err_bad_extension": "The extension must be between 1 and {limit} working days.",
    "err_reopen_expired": "More than {days} days have passed since the resolution; please submit new "
    "feedback.",
    "err_bad_rating": "The rating must be between 1 and 5.",
}
