"""English catalog: the business-facing messages (agency-facing text stays Vietnamese only)."""

MESSAGES: dict[str, str] = {
    # kinds, states, outcomes, topics
    "kind_phan_anh": "Feedback",
    "kind_kien_nghi": "Recommendation",
    "kind_hoi_dap": "Inquiry",
    "kind_to_cao": "Denunciation",
    "state_triage": "Being classified",
    "state_new": "Received, awaiting the handling agency",
    "state_in_progress": "In progress",
    "state_awaiting_info": "Awaiting additional information from your enterprise",
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
    "btn_send": "Send",
    "btn_other_topic": "Choose another field",
    "btn_cancel": "Cancel",
    "btn_not_solved": "Not yet resolved",
    "btn_same_contact": "Use previous details: {name}, {phone}",
    # greeting and help
    "greeting": "Respectful greetings to your enterprise! This is the channel for feedback and "
    "recommendations from enterprises in Lạng Sơn Province. Your enterprise may send its "
    "submission right here; the system will forward it to the lead agency and inform you of "
    "the response deadline.",
    "help": "How to use this service:\n"
    "• Send your message (photos and documents may be attached) to start a feedback or "
    "recommendation; or type /new.\n"
    "• /status — your submitted feedback; /status LS-XXXXXX — look up by code.\n"
    "• /cancel — cancel the submission being drafted.\n"
    "• /lang vi|en|zh — choose a language.\n"
    "Response deadlines are counted in working days, excluding Saturdays, Sundays and public "
    "holidays.",
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
    "• Expected response deadline: {due} ({days} working days)\n• Contact: {contact}\n"
    "• Keep identity confidential: {confidential}\n• Agree to publication: {consent}\n"
    "• Attachments: {files}\n\n{text}",
    "too_long": "The content exceeds {limit} characters. Please shorten it or send it in several messages.",
    "too_many_attachments": "Each submission may include at most {limit} attachments.",
    "receipt": "The system has received your enterprise's {kind}. Reference code: {code}. Lead agency: "
    "{agency}. Response deadline: {due} ({days} working days).",
    "receipt_triage": "The system has received your enterprise's {kind}. Reference code: {code}. The content "
    "is being classified by {agency} to be forwarded to the competent authority. Response "
    "deadline: {due} ({days} working days).",
    # status
    "status_line": "{code} — {kind} — {state}",
    "status_detail": "Field: {topic}. Lead agency: {agency}. Received on: {received}. Response deadline: "
    "{due}.",
    "status_answer": "Response: {text}",
    "status_link": "Details: {url}",
    "status_none": "Your enterprise has not submitted any feedback or recommendations yet.",
    "status_unknown": "No feedback was found with code {code}. Please check the reference code "
    "(format LS-XXXXXX).",
    # the thread with the agency
    "taken": "Feedback {code} has been accepted for handling by {agency}. Response deadline: {due}.",
    "agency_reply": "{agency} regarding feedback {code}:\n{text}\n{signature}",
    "agency_question": "{agency} requests additional information from your enterprise regarding "
    "feedback {code}:\n{text}\n"
    "Please reply right here. The handling deadline is suspended until the information "
    "is received.\n"
    "{signature}",
    "info_added": "The system has forwarded the additional information to the agency handling "
    "feedback {code}. Response deadline: {due}.",
    "resolved": "Feedback {code} has been answered.\n{outcome}{text}\n{signature}\n\n"
    "Is your enterprise satisfied with the resolution? (1 = very dissatisfied, "
    "5 = very satisfied)",
    "extended": "The response deadline for feedback {code} has been extended by {days} working days, "
    "to {due}. Reason: {reason}",
    "transferred": "Feedback {code} has been transferred to {agency} according to its competence. "
    "Reason: {reason}. The response deadline remains unchanged: {due}.",
    "rejected": "Feedback {code} falls outside the scope of this channel. Reason: {reason}\n{signature}",
    "reopened": "Feedback {code} has been reopened and returned to {agency}. New response deadline: {due}.",
    "rated": "Thank you for rating the resolution of feedback {code}.",
    "rated_reopened": "Thank you. Feedback {code} has been reopened so that the agency can continue "
    "handling it.",
    "reopened_ack": "Feedback {code} has been reopened. New response deadline: {due}.",
    "rating_reminder": "Feedback {code} has been answered. Is your enterprise satisfied with the resolution?",
    "closed_no_answer": "Feedback {code} has been closed. If the matter has not been resolved, your "
    "enterprise may submit new feedback.",
    # refusals
    "err_bad_transition": "This action cannot be performed in the current state of the feedback ({state}).",
    "err_forbidden": "You are not authorised to handle this feedback (it belongs to {agency}).",
    "err_text_required": "Please enter the content.",
    "err_answer_required": "Please enter the response.",
    "err_question_required": "Please enter the question.",
    "err_reason_required": "Please state the reason.",
    "err_too_long": "The content exceeds {limit} characters. Please shorten it or send it in several "
    "messages.",
    "err_bad_kind": "The type of submission is not valid.",
    "err_too_many_attachments": "Each submission may include at most {limit} attachments.",
    "err_unknown_topic": "The field «{topic}» does not exist.",
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
