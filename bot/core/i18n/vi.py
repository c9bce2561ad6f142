"""Vietnamese catalog: what businesses read (polite, "Quý doanh nghiệp") and all agency-facing text."""

MESSAGES: dict[str, str] = {
    # kinds, states, outcomes, topics
    "kind_phan_anh": "Phản ánh",
    "kind_kien_nghi": "Kiến nghị",
    "kind_hoi_dap": "Hỏi đáp",
    "kind_to_cao": "Tố cáo",
    "state_triage": "Đang phân loại",
    "state_new": "Đã tiếp nhận, chờ cơ quan xử lý",
    "state_in_progress": "Đang xử lý",
    "state_awaiting_info": "Chờ Quý doanh nghiệp bổ sung thông tin",
    "state_resolved": "Đã có kết quả",
    "state_closed": "Đã kết thúc",
    "state_rejected": "Không thuộc phạm vi tiếp nhận",
    "outcome_accepted": "Tiếp thu",
    "outcome_under_study": "Tiếp thu, đang nghiên cứu",
    "outcome_not_accepted": "Không tiếp thu",
    "outcome_line": "Kết quả kiến nghị: {outcome}\n",
    "topic_none": "Chưa xác định lĩnh vực",
    # buttons
    "btn_new": "Gửi phản ánh, kiến nghị",
    "btn_status": "Tra cứu phản ánh đã gửi",
    "btn_yes": "Có",
    "btn_no": "Không",
    "btn_skip": "Bỏ qua",
    "btn_send": "Gửi",
    "btn_other_topic": "Chọn lĩnh vực khác",
    "btn_cancel": "Hủy",
    "btn_not_solved": "Chưa giải quyết xong",
    "btn_same_contact": "Dùng thông tin lần trước: {name}, {phone}",
    # greeting and help
    "greeting": "Kính chào Quý doanh nghiệp! Đây là kênh tiếp nhận phản ánh, kiến nghị của doanh nghiệp "
    "tỉnh Lạng Sơn. Quý doanh nghiệp có thể gửi nội dung ngay tại đây; Hệ thống sẽ chuyển đến "
    "cơ quan chủ trì và báo hạn trả lời.",
    "help": "Hướng dẫn sử dụng:\n"
    "• Gửi nội dung (có thể kèm ảnh, tài liệu) để bắt đầu một phản ánh, kiến nghị; hoặc gõ /new.\n"
    "• /status — các phản ánh đã gửi; /status LS-XXXXXX — tra cứu theo mã.\n"
    "• /cancel — hủy nội dung đang soạn.\n"
    "• /lang vi|en|zh — chọn ngôn ngữ.\n"
    "Hạn trả lời tính theo ngày làm việc, không kể thứ Bảy, Chủ nhật và ngày lễ.",
    "not_understood": "Hệ thống chưa hiểu yêu cầu. Gõ /help để xem hướng dẫn, hoặc gửi nội dung phản ánh.",
    "unknown_command": "Hệ thống chưa hỗ trợ lệnh này. Gõ /help để xem hướng dẫn.",
    "button_expired": "Lựa chọn này không còn hiệu lực. Gõ /help để xem hướng dẫn.",
    "cancelled": "Đã hủy nội dung đang soạn. Không có thông tin nào được gửi đi.",
    "nothing_to_cancel": "Hiện không có nội dung nào đang soạn.",
    "lang_usage": "Xin chọn ngôn ngữ: /lang vi (Tiếng Việt), /lang en (English), /lang zh (中文).",
    "lang_set": "Hệ thống sẽ dùng Tiếng Việt.",
    # intake dialog
    "ask_description": "Xin Quý doanh nghiệp mô tả nội dung phản ánh, kiến nghị (có thể gửi kèm ảnh, tài liệu).",
    "ask_kind": "Nội dung này thuộc loại nào?",
    "more_added": "Hệ thống đã bổ sung nội dung. Xin chọn loại phản ánh, kiến nghị:",
    "ask_name": "Để cơ quan chức năng liên hệ khi cần, xin Quý doanh nghiệp cho biết họ tên người liên hệ. "
    "Thông tin này chỉ cơ quan xử lý được xem.",
    "ask_phone": "Xin cho biết số điện thoại liên hệ (hoặc bấm nút chia sẻ số điện thoại).",
    "bad_name": "Họ tên chưa hợp lệ (2–100 ký tự, có chữ cái). Xin Quý doanh nghiệp nhập lại.",
    "bad_phone": "Số điện thoại chưa đúng. Xin nhập số di động 10 chữ số (ví dụ 0912 345 678) "
    "hoặc số cố định có mã vùng.",
    "ask_company": "Tên doanh nghiệp, hộ kinh doanh (không bắt buộc):",
    "bad_company": "Tên doanh nghiệp cần từ 2 đến 300 ký tự. Xin nhập lại hoặc bấm Bỏ qua.",
    "ask_tax_code": "Mã số thuế (10 hoặc 13 chữ số; hộ kinh doanh có thể dùng số định danh cá nhân 12 chữ số; "
    "không bắt buộc):",
    "bad_tax_code": "Mã số thuế chưa đúng. Xin kiểm tra lại (10 chữ số, 13 chữ số dạng 0123456789-001, "
    "hoặc 12 chữ số định danh), hoặc bấm Bỏ qua.",
    "ask_commune": "Xã, phường nơi doanh nghiệp hoạt động (không bắt buộc), ví dụ: Đồng Đăng:",
    "bad_commune": "Hệ thống không tìm thấy xã, phường này tại Lạng Sơn. Xin nhập lại hoặc bấm Bỏ qua.",
    "ask_confidential": "Quý doanh nghiệp có muốn giữ bí mật danh tính không? Nếu có, cơ quan xử lý sẽ không "
    "thấy tên và số điện thoại; chỉ bộ phận điều phối được xem.",
    "ask_consent": "Quý doanh nghiệp có đồng ý công khai nội dung phản ánh (đã ẩn thông tin cá nhân) cùng kết "
    "quả trả lời trên trang công khai không?",
    "ask_topic": "Xin chọn lĩnh vực phù hợp:",
    "confirm_card": "Xin kiểm tra lại trước khi gửi:\n"
    "• Loại: {kind}\n• Lĩnh vực: {topic}\n• Cơ quan chủ trì: {agency}\n"
    "• Hạn trả lời dự kiến: {due} ({days} ngày làm việc)\n• Liên hệ: {contact}\n"
    "• Giữ bí mật danh tính: {confidential}\n• Đồng ý công khai nội dung: {consent}\n"
    "• Tệp đính kèm: {files}\n\n{text}",
    "too_long": "Nội dung dài quá {limit} ký tự. Xin Quý doanh nghiệp rút gọn hoặc gửi thành nhiều tin.",
    "too_many_attachments": "Mỗi phản ánh được gửi tối đa {limit} tệp đính kèm.",
    "receipt": "Hệ thống đã tiếp nhận {kind} của Quý doanh nghiệp. Mã tra cứu: {code}. Cơ quan chủ trì: "
    "{agency}. Hạn trả lời: {due} ({days} ngày làm việc).",
    "receipt_triage": "Hệ thống đã tiếp nhận {kind} của Quý doanh nghiệp. Mã tra cứu: {code}. Nội dung đang "
    "được {agency} phân loại để chuyển đến cơ quan có thẩm quyền. Hạn trả lời: {due} "
    "({days} ngày làm việc).",
    # status
    "status_line": "{code} — {kind} — {state}",
    "status_detail": "Lĩnh vực: {topic}. Cơ quan chủ trì: {agency}. Ngày nhận: {received}. Hạn trả lời: {due}.",
    "status_answer": "Trả lời: {text}",
    "status_link": "Chi tiết: {url}",
    "status_none": "Quý doanh nghiệp chưa gửi phản ánh, kiến nghị nào.",
    "status_unknown": "Không tìm thấy phản ánh có mã {code}. Xin kiểm tra lại mã tra cứu (dạng LS-XXXXXX).",
    # the thread with the agency
    "taken": "Phản ánh {code} đã được {agency} tiếp nhận xử lý. Hạn trả lời: {due}.",
    "agency_reply": "{agency} trao đổi về phản ánh {code}:\n{text}\n{signature}",
    "agency_question": "{agency} cần Quý doanh nghiệp bổ sung thông tin cho phản ánh {code}:\n{text}\n"
    "Xin trả lời ngay tại đây. Thời hạn xử lý tạm dừng cho đến khi nhận được thông tin.\n"
    "{signature}",
    "info_added": "Hệ thống đã chuyển thông tin bổ sung đến cơ quan xử lý phản ánh {code}. Hạn trả lời: {due}.",
    "resolved": "Phản ánh {code} đã có kết quả.\n{outcome}{text}\n{signature}\n\n"
    "Quý doanh nghiệp có hài lòng với kết quả giải quyết không? (1 = rất không hài lòng, "
    "5 = rất hài lòng)",
    "extended": "Hạn trả lời phản ánh {code} được gia hạn {days} ngày làm việc, đến {due}. Lý do: {reason}",
    "transferred": "Phản ánh {code} đã được chuyển đến {agency} theo thẩm quyền. Lý do: {reason}. "
    "Hạn trả lời không thay đổi: {due}.",
    "rejected": "Phản ánh {code} không thuộc phạm vi tiếp nhận. Lý do: {reason}\n{signature}",
    "reopened": "Phản ánh {code} đã được mở lại và chuyển lại {agency}. Hạn trả lời mới: {due}.",
    "rated": "Cảm ơn Quý doanh nghiệp đã đánh giá kết quả giải quyết phản ánh {code}.",
    "rated_reopened": "Cảm ơn Quý doanh nghiệp. Phản ánh {code} đã được mở lại để cơ quan tiếp tục xử lý.",
    "reopened_ack": "Phản ánh {code} đã được mở lại. Hạn trả lời mới: {due}.",
    "rating_reminder": "Phản ánh {code} đã có kết quả. Quý doanh nghiệp có hài lòng với kết quả giải quyết không?",
    "closed_no_answer": "Phản ánh {code} đã kết thúc. Nếu vấn đề chưa được giải quyết, Quý doanh nghiệp có thể "
    "gửi phản ánh mới.",
    # refusals (shown to businesses and officers)
    "err_bad_transition": "Không thực hiện được thao tác này ở trạng thái hiện tại của phản ánh ({state}).",
    "err_forbidden": "Bạn không có quyền xử lý phản ánh này (thuộc {agency}).",
    "err_text_required": "Xin nhập nội dung.",
    "err_answer_required": "Xin nhập nội dung trả lời.",
    "err_question_required": "Xin nhập nội dung câu hỏi.",
    "err_reason_required": "Xin nêu lý do.",
    "err_too_long": "Nội dung dài quá {limit} ký tự. Xin rút gọn hoặc gửi thành nhiều tin.",
    "err_bad_kind": "Loại phản ánh không hợp lệ.",
    "err_too_many_attachments": "Mỗi phản ánh được gửi tối đa {limit} tệp đính kèm.",
    "err_unknown_topic": "Không có lĩnh vực «{topic}».",
    "err_unknown_agency": "Không có cơ quan «{agency}». Gõ /agencies để xem danh sách mã cơ quan.",
    "err_outcome_required": "Kiến nghị cần kết quả: tiep_thu, nghien_cuu hoặc khong_tiep_thu "
    "(ví dụ: /resolve LS-XXXXXX tiep_thu Nội dung trả lời).",
    "err_same_agency": "Phản ánh đã thuộc {agency}.",
    "err_already_extended": "Phản ánh này đã được gia hạn một lần; không thể gia hạn thêm.",
    "err_bad_extension": "Số ngày gia hạn phải từ 1 đến {limit} ngày làm việc.",
    "err_reopen_expired": "Đã quá {days} ngày kể từ khi có kết quả; xin Quý doanh nghiệp gửi phản ánh mới.",
    "err_bad_rating": "Đánh giá phải từ 1 đến 5.",
    # agency-facing (Vietnamese only)
    "card_title": "📥 Phản ánh mới {code}",
    "card_title_info": "ℹ️ Để phối hợp: {code}",
    "card_meta": "{kind} · {topic} · Chủ trì: {agency}",
    "card_due": "Hạn tiếp nhận: {ack} · Hạn trả lời: {due}",
    "card_contact": "Liên hệ: {contact}",
    "card_confidential": "🔒 Danh tính được giữ bí mật (chỉ bộ phận điều phối được xem).",
    "card_unreachable": "⚠️ Không gửi được tin cho doanh nghiệp qua kênh đã dùng (đã chặn hoặc quá hạn tương tác).",
    "card_transfers": "Đã chuyển xử lý {n} lần.",
    "agency_transferred_out": "Phản ánh {code} đã được chuyển sang {agency}. Lý do: {reason}",
    "agency_info_received": "Doanh nghiệp đã bổ sung thông tin cho phản ánh {code}:\n{text}",
    "agency_rated": "Doanh nghiệp đánh giá kết quả phản ánh {code}: {rating}/5.",
    "agency_reopened": "Phản ánh {code} được doanh nghiệp mở lại. Hạn trả lời mới: {due}.",
    "off_unknown_code": "Không tìm thấy phản ánh {code}.",
    "off_need_code": "Xin ghi mã phản ánh, ví dụ: /take LS-7K3QX9.",
    "off_need_text": "Xin nhập nội dung.",
    "off_not_officer": "Lệnh này dành cho cán bộ của cơ quan xử lý. Nếu bạn là cán bộ, xin dùng /join <mã mời>.",
    "join_invalid": "Mã mời không đúng, đã dùng hoặc đã hết hạn. Xin liên hệ quản trị viên để nhận mã mới.",
    "join_admin": "Bạn là quản trị viên; không cần dùng mã mời.",
    "join_ok": "Bạn đã tham gia {agency} với vai trò {role}.",
    "inbox_empty": "Không có phản ánh nào đang mở.",
    "inbox_title": "Phản ánh đang mở ({n}), theo hạn trả lời:",
    "show_state": "Trạng thái: {state}",
    "show_confidential_contact": "Liên hệ (bí mật): {contact}",
    "show_history": "Lịch sử:",
    "take_ok": "Đã nhận xử lý {code}. Hạn trả lời: {due}.",
    "reply_ok": "Đã gửi trả lời {code} cho doanh nghiệp (ký tên cơ quan).",
    "ask_ok": "Đã gửi câu hỏi cho doanh nghiệp; thời hạn {code} tạm dừng đến khi doanh nghiệp trả lời.",
    "resolve_ok": "Đã gửi kết quả {code} cho doanh nghiệp.",
    "transfer_ok": "Đã chuyển {code} sang {agency}.",
    "extend_ok": "Đã gia hạn {code} thêm {days} ngày làm việc.",
    "extend_new_due": "Hạn trả lời mới: {due}.",
    "extend_usage": "Cú pháp: /extend LS-XXXXXX <số ngày làm việc, tối đa {limit}> <lý do>",
    "reject_ok": "Đã trả lời {code}: không thuộc phạm vi tiếp nhận.",
    "note_ok": "Đã ghi chú nội bộ cho {code} (không gửi cho doanh nghiệp).",
    "prompt_ask": "Nhập câu hỏi gửi doanh nghiệp về {code}:",
    "prompt_answer": "Nhập nội dung trả lời {code} (sẽ gửi cho doanh nghiệp, ký tên cơ quan):",
    "prompt_extend": "Nhập số ngày làm việc gia hạn (tối đa {limit}) và lý do cho {code}, "
                     "ví dụ: 5 Cần lấy ý kiến sở ngành",
    "prompt_outcome": "Kết quả xử lý kiến nghị {code}:",
    "prompt_transfer_agency": "Chuyển {code} đến cơ quan nào?",
    "prompt_transfer_reason": "Nhập lý do chuyển {code} sang {agency}:",
    "admin_only": "Lệnh này dành cho quản trị viên hoặc bộ phận điều phối.",
    "invite_usage": "Cú pháp: /invite <mã cơ quan> [officer|head]. Gõ /agencies để xem mã cơ quan.",
    "invite_ok": "Mã mời cán bộ {agency} (hiệu lực {days} ngày, dùng một lần). Chuyển tiếp dòng sau cho cán bộ:\n"
    "/join {code}",
    "bind_usage": "Cú pháp: /bindagency <mã cơ quan>. Gõ /agencies để xem mã cơ quan.",
    "bind_group_only": "Lệnh này dùng trong nhóm của cơ quan.",
    "bind_ok": "Nhóm này là hộp thư của {agency}. Đã chuyển {held} tin đang chờ.",
    "bind_wg_ok": "Nhóm này là nhóm của Tổ công tác PCI. Đã chuyển {held} tin đang chờ.",
    "agencies_title": "Các cơ quan (✅ đã gắn nhóm):",
    "officers_none": "Chưa có cán bộ nào.",
    "officers_title": "Cán bộ:",
    "assign_usage": "Cú pháp: /assign LS-XXXXXX <mã cơ quan> [mã lĩnh vực]",
    "assign_ok": "Đã giao {code} cho {agency}.",
    "overdue_none": "Không có phản ánh nào quá hạn.",
    "overdue_title": "Phản ánh quá hạn ({n}):",
    "stats_title": "Tổng số phản ánh: {total}",
}
