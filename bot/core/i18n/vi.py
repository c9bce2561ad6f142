"""Vietnamese catalog: what businesses read (polite, "Quý doanh nghiệp") and all agency-facing text."""

MESSAGES: dict[str, str] = {
    # public web site, open data, Open311 and the public channel (bot/web) — businesses and the public read these
    "web_site_title": "Phản ánh, kiến nghị doanh nghiệp tỉnh Lạng Sơn",
    "web_site_description": "Kết quả giải quyết phản ánh, kiến nghị của doanh nghiệp tỉnh Lạng Sơn: số liệu, "
    "tỷ lệ đúng hạn của từng cơ quan, nội dung trả lời.",
    "web_skip": "Bỏ qua, đến nội dung chính",
    "web_nav": "Điều hướng",
    "web_nav_home": "Trang chủ",
    "web_nav_open_data": "Dữ liệu mở",
    "web_nav_trends": "Xu hướng",
    "web_trends_title": "Xu hướng 12 tháng theo chỉ số PCI và lĩnh vực BPI",
    "web_trends_lead": "Mỗi tháng từ {first} đến {last}: số phản ánh, kiến nghị tiếp nhận (cột) và "
    "tỷ lệ trả lời đúng hạn (đường); tháng hiện tại tính đến nay. Bảng số liệu ở dưới mỗi biểu đồ.",
    "web_trends_legend_received": "Tiếp nhận trong tháng (trục trái)",
    "web_trends_legend_rate": "Tỷ lệ trả lời đúng hạn (trục phải)",
    "web_trends_pci": "Chỉ số thành phần PCI",
    "web_trends_bpi": "Lĩnh vực phát triển kinh tế tư nhân (BPI)",
    "web_trends_chart": "{topic}: số phản ánh tiếp nhận và tỷ lệ trả lời đúng hạn theo tháng, {first} – {last}",
    "web_trends_table": "Bảng số liệu",
    "web_trends_caption": "{topic}: số liệu theo tháng",
    "web_trends_month": "Tháng",
    "web_trends_answered_on_time": "Trả lời đúng hạn",
    "web_trends_bar": "{month}: {n} tiếp nhận",
    "web_trends_point": "{month}: {rate} đúng hạn",
    "web_trends_month_short": "T{m}",
    "web_footer": "Trang công khai kết quả giải quyết phản ánh, kiến nghị của doanh nghiệp (Kế hoạch nâng cao "
    "chỉ số PCI tỉnh Lạng Sơn). Thông tin cá nhân của người gửi không được công bố.",
    "web_home_title": "Kết quả giải quyết phản ánh, kiến nghị của doanh nghiệp",
    "web_home_lead": "Số liệu được tính trực tiếp từ hệ thống tiếp nhận: mỗi phản ánh, mỗi lần chuyển xử lý, "
    "gia hạn và trả lời đều được ghi lại.",
    "web_lookup_label": "Tra cứu theo mã phản ánh",
    "web_lookup_button": "Tra cứu",
    "web_updated": "Số liệu cập nhật lúc {at}.",
    "web_period": "Thời gian",
    "web_period_all": "Toàn bộ",
    "web_period_days": "{n} ngày qua",
    "web_totals": "Tổng quan",
    "web_agency_table": "Bảng xếp hạng các cơ quan theo tỷ lệ trả lời đúng hạn",
    "web_topic_table": "Theo chỉ số thành phần PCI và lĩnh vực BPI",
    "web_latest": "Trả lời mới nhất",
    "web_col_agency": "Cơ quan",
    "web_col_topic": "Lĩnh vực",
    "web_col_received": "Tiếp nhận",
    "web_col_answered": "Đã trả lời",
    "web_col_open": "Đang xử lý",
    "web_col_overdue": "Quá hạn",
    "web_col_on_time": "Đúng hạn",
    "web_col_first_response": "Phản hồi đầu (trung vị)",
    "web_col_transfers": "Chuyển đi",
    "web_col_rating": "Đánh giá",
    "web_hours": "{h} giờ làm việc",
    "web_on_time_rule": "Tỷ lệ đúng hạn = số phản ánh trả lời đúng hạn ÷ (số đã trả lời + số đang quá hạn chưa "
    "trả lời): phản ánh bị để quá hạn vẫn được tính.",
    "web_no_data": "Chưa có số liệu trong thời gian này.",
    "web_no_tickets": "Chưa có phản ánh nào.",
    "web_answered_on": "trả lời ngày {date}",
    "web_not_published": "Nội dung không được công khai (doanh nghiệp không đồng ý công khai, hoặc nội dung được "
    "bảo mật).",
    "web_topic_lead": "Chỉ số {kind} · Cơ quan chủ trì: {agency}",
    "web_ticket_title": "Phản ánh {code}",
    "web_ticket_list": "Danh sách phản ánh ({n})",
    "web_f_code": "Mã",
    "web_f_kind": "Loại",
    "web_f_status": "Trạng thái",
    "web_f_received": "Ngày tiếp nhận",
    "web_f_due": "Hạn trả lời",
    "web_f_answered": "Ngày trả lời",
    "web_f_outcome": "Kết quả kiến nghị",
    "web_f_company": "Doanh nghiệp",
    "web_f_rating": "Đánh giá của doanh nghiệp",
    "web_f_summary": "Nội dung phản ánh",
    "web_f_answer": "Trả lời của cơ quan",
    "web_restricted": "Nội dung được bảo mật: chỉ công khai mã, lĩnh vực, cơ quan, trạng thái và các mốc thời gian.",
    "web_history": "Quá trình xử lý",
    "web_as_open311": "Dữ liệu dạng Open311 (JSON)",
    "web_pages": "Phân trang",
    "web_prev": "Trang trước",
    "web_next": "Trang sau",
    "web_page_of": "Trang {page}/{pages}",
    "web_404_title": "Không tìm thấy",
    "web_404_text": "Không có trang hoặc phản ánh nào như vậy. Xin kiểm tra lại mã tra cứu (ví dụ LS-7K3QX9).",
    "web_400_title": "Yêu cầu không hợp lệ",
    "web_400_text": "Xin lỗi Quý doanh nghiệp, địa chỉ trang hoặc dữ liệu gửi lên có giá trị không hợp lệ. "
    "Xin kiểm tra lại đường dẫn, hoặc quay về trang chủ.",
    "web_500_title": "Đã có lỗi",
    "web_500_text": "Xin lỗi Quý doanh nghiệp, hệ thống gặp lỗi khi hiển thị trang này. "
    "Lỗi đã được ghi lại; xin thử lại sau ít phút.",
    "web_error_detail": "Chi tiết kỹ thuật",
    "web_ev_submitted": "Tiếp nhận phản ánh",
    "web_ev_assign": "Bộ phận điều phối giao cho {target}",
    "web_ev_take": "Cơ quan chủ trì nhận xử lý",
    "web_ev_transfer": "Chuyển từ {source} sang {target}",
    "web_ev_ask": "Cơ quan đề nghị doanh nghiệp bổ sung thông tin",
    "web_ev_info_received": "Doanh nghiệp đã bổ sung thông tin",
    "web_ev_replied": "Cơ quan đã phản hồi doanh nghiệp",
    "web_ev_extended": "Gia hạn {days} ngày làm việc, hạn trả lời mới {due}",
    "web_ev_resolve": "Cơ quan đã trả lời",
    "web_ev_reject": "Không thuộc phạm vi tiếp nhận",
    "web_ev_close": "Kết thúc",
    "web_ev_close_confirmed": "Kết thúc (doanh nghiệp xác nhận)",
    "web_ev_reopen": "Mở lại để xử lý tiếp",
    "web_ev_rated": "Doanh nghiệp đánh giá {rating}/5",
    "web_ev_note": "Ghi chú nội bộ",
    "web_ev_hidden": "Ẩn khỏi trang công khai",
    "web_ev_unhidden": "Công khai trở lại",
    "web_ev_purged": "Ẩn danh hoá dữ liệu cũ",
    "web_od_lead": "Mọi phản ánh không bị ẩn đều có trong dữ liệu mở, chỉ gồm các trường công khai; nội dung "
    "chỉ có khi doanh nghiệp đồng ý công khai và đã được xoá thông tin cá nhân.",
    "web_od_files": "Tệp dữ liệu",
    "web_od_csv": "CSV (UTF-8), mở được bằng Excel",
    "web_od_json": "JSON, cùng các trường",
    "web_od_open311": "API chuẩn Open311 GeoReport v2 (XML và JSON)",
    "web_od_license": "Giấy phép: Creative Commons Ghi công 4.0 (CC BY 4.0). Ghi nguồn: Hệ thống tiếp nhận "
    "phản ánh, kiến nghị doanh nghiệp tỉnh Lạng Sơn.",
    "web_od_fields": "Các trường dữ liệu",
    "web_od_field": "Trường",
    "web_od_type": "Kiểu",
    "web_od_meaning": "Ý nghĩa",
    "web_od_open311_notes": "Mỗi lĩnh vực (chỉ số PCI/BPI) là một service_code. requests trả về mới nhất trước, "
    "mặc định 90 ngày qua và 100 mục mỗi trang (page_size tối đa 1000). expected_datetime là hạn trả lời; giờ "
    "theo ISO 8601, múi giờ +07:00. Gửi phản ánh qua API (POST) cần api_key do Sở Tài chính cấp.",
    "web_od_rules": "Nguyên tắc công khai",
    "web_od_rule_private": "Không bao giờ công khai họ tên, số điện thoại, mã số thuế, tài khoản chat của người "
    "gửi; tên doanh nghiệp chỉ công khai khi doanh nghiệp đồng ý.",
    "web_od_rule_consent": "Nội dung chỉ công khai khi doanh nghiệp đồng ý, sau khi xoá số điện thoại, e-mail, mã "
    "số thuế, số CCCD, số tài khoản và tên người gửi.",
    "web_od_rule_restricted": "Phản ánh bảo mật danh tính và tố cáo chỉ công khai mã, lĩnh vực, cơ quan, trạng "
    "thái và các mốc thời gian.",
    "web_od_rule_hidden": "Bộ phận điều phối có thể ẩn một phản ánh khỏi trang công khai (có ghi lý do). Hiện "
    "đang ẩn: {n}; tổng số lần ẩn: {events}. Phản ánh bị ẩn vẫn được tính trong số liệu.",
    "web_field_code": "Mã tra cứu",
    "web_field_kind": "Loại: phan_anh, kien_nghi, hoi_dap (trống nếu bảo mật)",
    "web_field_topic": "Mã lĩnh vực (chỉ số PCI / BPI)",
    "web_field_topic_name": "Tên lĩnh vực",
    "web_field_agency": "Mã cơ quan chủ trì hiện tại",
    "web_field_agency_name": "Tên cơ quan chủ trì",
    "web_field_state": "Trạng thái: triage, new, in_progress, awaiting_info, resolved, closed, rejected",
    "web_field_status": "open (đang xử lý) hoặc closed (đã trả lời, kết thúc, từ chối)",
    "web_field_created_at": "Thời điểm tiếp nhận",
    "web_field_answer_due_at": "Hạn trả lời (ngày làm việc, kể cả gia hạn)",
    "web_field_first_response_at": "Lần phản hồi đầu tiên của cơ quan",
    "web_field_resolved_at": "Thời điểm trả lời",
    "web_field_closed_at": "Thời điểm kết thúc",
    "web_field_outcome": "Kết quả kiến nghị: accepted, under_study, not_accepted",
    "web_field_company": "Tên doanh nghiệp (chỉ khi đồng ý công khai)",
    "web_field_summary": "Nội dung (chỉ khi đồng ý công khai, đã xoá thông tin cá nhân)",
    "web_field_answer": "Trả lời của cơ quan (đã xoá thông tin cá nhân)",
    "web_field_rating": "Đánh giá của doanh nghiệp, 1–5",
    "web_field_transfers": "Số lần chuyển cơ quan",
    "web_field_extended_days": "Số ngày làm việc được gia hạn",
    "web_field_reopened": "Số lần mở lại",
    "web_yes": "Có",
    "web_no": "Không",
    "web_o311_service": "Phản ánh, kiến nghị thuộc chỉ số {kind}; cơ quan chủ trì: {agency}",
    "web_o311_contact": "Sở Tài chính tỉnh Lạng Sơn — {url}",
    "web_o311_key_service": "Liên hệ Sở Tài chính tỉnh Lạng Sơn để được cấp api_key.",
    "web_o311_extended": "Đã gia hạn: {reason}",
    "web_o311_notice": "Đã tiếp nhận, mã tra cứu {code}. Hạn trả lời: {due}.",
    "web_o311_attr_kind": "Loại phản ánh",
    "web_o311_attr_kind_type": "Một trong các giá trị liệt kê",
    "web_o311_attr_consent_publish": "Doanh nghiệp đồng ý công khai nội dung",
    "web_o311_attr_consent_publish_type": "true hoặc false",
    "web_o311_attr_publish_company": "Doanh nghiệp đồng ý công khai tên doanh nghiệp",
    "web_o311_attr_publish_company_type": "true hoặc false",
    "web_o311_attr_confidential": "Giữ bí mật danh tính (chỉ bộ phận điều phối xem)",
    "web_o311_attr_confidential_type": "true hoặc false",
    "web_o311_attr_company": "Tên doanh nghiệp",
    "web_o311_attr_company_type": "Chuỗi ký tự",
    "web_o311_attr_tax_code": "Mã số thuế (10 hoặc 13 chữ số)",
    "web_o311_attr_tax_code_type": "Chuỗi chữ số",
    "web_feed_title": "✅ Phản ánh {code} đã có trả lời",
    "web_feed_meta": "Lĩnh vực: {topic}\nCơ quan chủ trì: {agency}",
    "web_feed_dates": "Tiếp nhận: {received} · Hạn trả lời: {due} · Trả lời: {answered}",
    "web_feed_outcome": "Kết quả kiến nghị: {outcome}",
    "web_feed_summary": "Nội dung: {text}",
    "web_feed_answer": "Trả lời: {text}",
    "web_feed_link": "Chi tiết: {url}",
    # /hide and /unhide (coordinator, Vietnamese only)
    "off_hide_usage": "Cú pháp: /hide LS-XXXXXX <lý do ẩn khỏi trang công khai>",
    "off_hide_ok": "Đã ẩn {code} khỏi trang công khai. Lý do đã được ghi lại; số lần ẩn được công bố trên trang "
    "dữ liệu mở.",
    "off_hide_already": "{code} đang bị ẩn.",
    "off_unhide_usage": "Cú pháp: /unhide LS-XXXXXX",
    "off_unhide_ok": "{code} đã hiển thị lại trên trang công khai.",
    "off_unhide_not_hidden": "{code} không bị ẩn.",
    "off_hide_forbidden": "Chỉ bộ phận điều phối được ẩn hoặc hiện phản ánh trên trang công khai.",
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
    "btn_split": "Tách thành 2 phiếu",
    "btn_no_split": "Gửi chung 1 phiếu",
    "ask_split": "Nội dung của Quý doanh nghiệp có hai vấn đề thuộc hai cơ quan khác nhau:\n"
    "1. {first} — {first_agency}\n2. {second} — {second_agency}\n"
    "Quý doanh nghiệp có muốn tách thành hai phiếu để mỗi cơ quan trả lời phần việc của mình không?",
    "confirm_part": "Phiếu {n}/{total}",
    "btn_send": "Gửi",
    "btn_other_topic": "Chọn lĩnh vực khác",
    "btn_cancel": "Hủy",
    "btn_share_phone": "📱 Chia sẻ số điện thoại",
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
    "status_bad_code": "«{code}» không phải là mã tra cứu hợp lệ. Mã tra cứu có dạng LS-XXXXXX, ví dụ: LS-7K3QX9.",
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
    # Zalo and identity links
    "unsupported_content": "Hệ thống hiện chỉ nhận tin nhắn chữ, ảnh và tệp. Xin Quý doanh nghiệp gửi nội dung "
    "bằng chữ (có thể kèm ảnh, tài liệu).",
    "link_code": "Mã liên kết: {code} (dùng một lần, hiệu lực {minutes} phút). Để xem chung các phản ánh đã gửi "
    "qua Zalo và Telegram, Quý doanh nghiệp mở kênh còn lại và gửi: /link {code}",
    "link_invalid": "Mã liên kết không đúng, đã dùng hoặc đã hết hạn. Gõ /link để nhận mã mới.",
    "code_throttled": "Quý doanh nghiệp đã nhập sai mã nhiều lần. Để bảo đảm an toàn, Hệ thống tạm ngừng nhận mã "
    "trong khoảng {minutes} phút; xin Quý doanh nghiệp thử lại sau.",
    "rate_limited": "Quý doanh nghiệp đã gửi hơn {limit} tin nhắn trong một phút. Để phục vụ mọi doanh nghiệp, "
    "Hệ thống tạm chưa xử lý các tin nhắn gửi trong {seconds} giây tới. Xin Quý doanh nghiệp chờ giây lát rồi gửi "
    "lại.",
    "link_same": "Mã này được tạo từ chính tài khoản đang dùng. Xin gửi mã từ kênh còn lại (Zalo hoặc Telegram).",
    "link_ok": "Đã liên kết tài khoản. Từ nay Quý doanh nghiệp xem được tất cả phản ánh đã gửi từ các kênh đã "
    "liên kết (gõ /status).",
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
    "err_unknown_topic": "Không có lĩnh vực «{topic}». Mã lĩnh vực hợp lệ: {topics}.",
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
    "agency_business_unreachable": "⚠️ Không gửi được tin về phản ánh {code} cho doanh nghiệp: doanh nghiệp đã chặn bot "
    "hoặc không còn liên lạc được qua kênh này. Xin liên hệ bằng số điện thoại trên thẻ (nếu có).",
    "card_unreachable": "⚠️ Không gửi được tin cho doanh nghiệp qua kênh đã dùng (đã chặn hoặc quá hạn tương tác).",
    "card_transfers": "Đã chuyển xử lý {n} lần.",
    "agency_transferred_out": "Phản ánh {code} đã được chuyển sang {agency}. Lý do: {reason}",
    "agency_info_received": "Doanh nghiệp đã bổ sung thông tin cho phản ánh {code}:\n{text}",
    "agency_rated": "Doanh nghiệp đánh giá kết quả phản ánh {code}: {rating}/5.",
    "agency_reopened": "Phản ánh {code} được doanh nghiệp mở lại. Hạn trả lời mới: {due}.",
    "off_unknown_code": "Không tìm thấy phản ánh {code}.",
    "off_need_code": "Xin ghi mã phản ánh, ví dụ: /take LS-7K3QX9.",
    "off_bad_code": "«{code}» không phải là mã hợp lệ. Mã có dạng LS-XXXXXX, ví dụ: /take LS-7K3QX9.",
    "off_need_text": "Xin nhập nội dung.",
    "off_not_officer": "Lệnh này dành cho cán bộ của cơ quan xử lý. Nếu bạn là cán bộ, xin dùng /join <mã mời>.",
    "join_invalid": "Mã mời không đúng, đã dùng hoặc đã hết hạn. Xin liên hệ quản trị viên để nhận mã mới.",
    "join_throttled": "Đã nhập sai mã mời quá nhiều lần. Để bảo đảm an toàn, hệ thống tạm ngừng nhận mã trong "
    "khoảng {minutes} phút; xin thử lại sau.",
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
    # SLA reminders, escalations and the daily overdue list (bot/core/sla.py)
    "agency_sla_warn_ack": "⏰ Nhắc hạn tiếp nhận: phản ánh {code} ({topic}) của {agency} đã dùng {used} thời hạn "
    "tiếp nhận (hạn {due}).",
    "agency_sla_warn_answer": "⏰ Nhắc hạn trả lời: phản ánh {code} ({topic}) của {agency} đã dùng {used} thời hạn "
    "trả lời (hạn {due}).",
    "agency_sla_overdue_ack": "🔴 Quá hạn tiếp nhận: phản ánh {code} ({topic}) chưa được {agency} nhận xử lý; "
    "hạn {due}, đã quá {late} ngày làm việc.",
    "agency_sla_overdue_answer": "🔴 Quá hạn trả lời: phản ánh {code} ({topic}) của {agency}; hạn {due}, "
    "đã quá {late} ngày làm việc.",
    "agency_sla_hint_take": "Nhận xử lý: /take {code}",
    "agency_sla_hint_assign": "Giao cơ quan chủ trì: /assign {code} <mã cơ quan>",
    "agency_sla_hint_answer": "Trả lời: /resolve {code} <nội dung> · Gia hạn (một lần, nêu lý do): "
    "/extend {code} <số ngày> <lý do>",
    "agency_sla_to_head": "Kính gửi lãnh đạo {agency}: đề nghị chỉ đạo xử lý đúng hạn.",
    "agency_sla_escalation": "🚨 Báo cáo Tổ công tác PCI — phản ánh quá hạn:",
    "agency_sla_list_title": "📋 Danh sách phản ánh quá hạn ngày {date} ({n} phản ánh):",
    "agency_sla_list_ack": "chưa tiếp nhận (hạn {due})",
    "agency_sla_list_answer": "chưa trả lời (hạn {due})",
    "agency_sla_list_line": "• {code} — {agency}: {what}; quá {late} ngày làm việc",
    "agency_sla_list_more": "… và {n} phản ánh khác (gõ /overdue để xem).",
    "agency_sla_report_title": "Tình hình thời hạn lúc {at} (giờ Việt Nam)",
    "agency_sla_report_window_open": "Đang trong giờ gửi nhắc ({window}, ngày làm việc): lượt quét sẽ gửi nhắc "
    "và báo cáo.",
    "agency_sla_report_window_closed": "Ngoài giờ gửi nhắc ({window}, ngày làm việc): nhắc và báo cáo chờ đến "
    "giờ làm việc tiếp theo.",
    "agency_sla_report_last_sweep": "Lượt quét gần nhất: {at}.",
    "agency_sla_report_overdue": "Quá hạn ({n}):",
    "agency_sla_report_soon": "Đã đến mức nhắc, chưa quá hạn ({n}):",
    "agency_sla_report_line": "• {code} — {agency}: {deadline}; đã dùng {used}; mức nhắc {level} (đã gửi mức {sent})",
    "agency_sla_report_paused": "Tạm dừng, chờ doanh nghiệp bổ sung thông tin ({n}):",
    "agency_sla_report_paused_line": "• {code} — {agency}: tạm dừng từ {since}; hạn trả lời hiện tại {due}",
    "agency_sla_report_rating": "Đã có kết quả, chờ doanh nghiệp xác nhận ({n}):",
    # weekly digest (bot/core/digest.py) and /digest
    "agency_digest_title": "📊 BẢN TIN TUẦN {week} ({start} – {end}) — Tổ công tác PCI tỉnh Lạng Sơn",
    "agency_digest_working_days": "Tuần có {n} ngày làm việc.",
    "agency_digest_days_off": "Nghỉ lễ: {days}.",
    "agency_digest_days_swapped": "Làm bù: {days}.",
    "agency_digest_empty": "Không có phản ánh nào trong tuần.",
    "agency_digest_total": "Toàn tỉnh: tiếp nhận {received} ({received_change} so với tuần trước) · đã trả lời "
    "{answered}, trong đó đúng hạn {on_time} · đang mở {open}, quá hạn {overdue}\nTỷ lệ đúng hạn: {rate} ({change}) "
    "· phản hồi đầu tiên (trung vị): {hours} giờ làm việc · chuyển đơn: {transfers} · gia hạn: {extensions} "
    "· mức hài lòng: {rating} · mở lại: {reopened}",
    "agency_digest_rule": "Tỷ lệ đúng hạn = số trả lời đúng hạn ÷ (số đã trả lời + số quá hạn chưa trả lời).",
    "agency_digest_praise": "👏 Biểu dương (đúng hạn từ {threshold}): {names}",
    "agency_digest_praise_none": "👏 Chưa có cơ quan đạt mức biểu dương (đúng hạn từ {threshold}).",
    "agency_digest_lagging": "⚠️ Chậm, đề nghị chấn chỉnh (đúng hạn dưới {threshold}): {names}",
    "agency_digest_lagging_item": "{name} ({rate}; {overdue} quá hạn)",
    "agency_digest_lagging_none": "✅ Không có cơ quan nào dưới mức {threshold} đúng hạn.",
    "agency_digest_by_agency": "THEO CƠ QUAN — tuần {week}",
    "agency_digest_by_topic": "THEO LĨNH VỰC (chỉ số PCI, BPI) — tuần {week}",
    "agency_digest_group_line": "• {name}: nhận {received} · trả lời {answered} (đúng hạn {on_time}) · giải quyết "
    "{resolved} · đang mở {open}, quá hạn {overdue} · đúng hạn {rate} ({change}) · phản hồi đầu {hours} giờ · "
    "chuyển đi {transfers} · gia hạn {extensions} · hài lòng {rating} · mở lại {reopened}",
    "agency_digest_up": "▲ {points} điểm",
    "agency_digest_down": "▼ {points} điểm",
    "agency_digest_same": "không đổi",
    "agency_digest_no_change": "tuần trước: —",
    "agency_digest_chart_title": "Tỷ lệ trả lời đúng hạn và phản ánh quá hạn theo cơ quan — tuần {week}",
    "agency_digest_chart_rate_axis": "Tỷ lệ đúng hạn (%)",
    "agency_digest_chart_overdue_axis": "Quá hạn chưa trả lời",
    "agency_digest_chart_none": "chưa có số liệu",
    "agency_digest_usage": "Cú pháp: /digest [YYYY-Www] [nhom]. Ví dụ: /digest 2026-W10 nhom — gửi bản tin tuần "
    "10/2026 vào nhóm Tổ công tác; không ghi «nhom» thì gửi vào cuộc trò chuyện này.",
    "agency_digest_posted_wg": "Đã gửi bản tin tuần {week} vào nhóm Tổ công tác PCI.",
    "agency_digest_held_wg": "Chưa gắn nhóm Tổ công tác PCI: bản tin tuần {week} sẽ được gửi khi quản trị viên "
    "dùng /bindworkinggroup trong nhóm đó.",
    # recurring problems: clusters of similar items (bot/core/clusters.py), /clusters, /reply to many
    "agency_digest_clusters": "🔁 VẤN ĐỀ LẶP LẠI — nhóm phản ánh tương tự (tiếp nhận {start} – {end}, và mọi phản "
    "ánh còn mở)",
    "agency_digest_clusters_none": "🔁 VẤN ĐỀ LẶP LẠI: chưa thấy nhóm phản ánh tương tự nào (tiếp nhận {start} – "
    "{end}, và mọi phản ánh còn mở).",
    "agency_clusters_title": "🔁 VẤN ĐỀ LẶP LẠI — {n} nhóm phản ánh tương tự (tiếp nhận từ {since}, và mọi phản "
    "ánh còn mở)",
    "agency_clusters_none": "Chưa thấy nhóm phản ánh tương tự nào (tiếp nhận từ {since}, và mọi phản ánh còn mở).",
    "agency_clusters_more": "… và {n} nhóm nhỏ hơn.",
    "agency_clusters_usage": "Cú pháp: /clusters [YYYY-MM-DD] — các nhóm phản ánh tương tự tiếp nhận từ ngày đó "
    "(mặc định {days} ngày gần nhất) và mọi phản ánh còn mở.",
    "agency_clusters_hint": "Trả lời chung một nhóm: /reply <mã nhóm> <nội dung>, hoặc /reply LS-AAAAAA LS-BBBBBB … "
    "<nội dung>. Mỗi doanh nghiệp nhận tin riêng.",
    "agency_cluster_head": "• {id} — {size} phản ánh · {topic}",
    "agency_cluster_where": "  Cơ quan: {agencies} · Xã/phường: {communes}",
    "agency_cluster_codes": "  Mã: {codes} · còn mở: {open}",
    "agency_cluster_sample": "  Ví dụ: «{text}»",
    "agency_cluster_more_places": "{names} và {n} nơi khác",
    "agency_cluster_unknown": "Không có nhóm {id}. Gõ /clusters để xem mã các nhóm hiện tại.",
    "agency_reply_many_sent": "Đã gửi trả lời tới {n} doanh nghiệp, mỗi doanh nghiệp một tin riêng: {codes}.",
    "agency_reply_many_none": "Chưa gửi trả lời nào.",
    "agency_reply_many_forbidden": "Không gửi cho {n} phản ánh của cơ quan khác: {items}.",
    "agency_reply_many_refused": "Không gửi được cho {n} phản ánh: {items}.",
    "agency_reply_many_unknown": "Không tìm thấy mã: {codes}.",
    "agency_sla_report_rating_line": "• {code} — {agency}: có kết quả ngày {resolved}; tự kết thúc nếu không "
    "xác nhận vào {close}",
    # Zalo delivery problems (agency-facing)
    "agency_undelivered": "⚠️ Chưa gửi được tin về phản ánh {code} cho doanh nghiệp: {reason}. Tin được giữ lại "
    "và sẽ tự động gửi khi doanh nghiệp nhắn lại cho Hệ thống.",
    "agency_zalo_window": "Zalo {error}: doanh nghiệp không tương tác với OA quá 7 ngày",
    "agency_zalo_not_follower": "Zalo {error}: doanh nghiệp chưa quan tâm (theo dõi) OA",
    "agency_zalo_inactive": "Zalo {error}: tài khoản Zalo bị khóa hoặc không hoạt động quá 45 ngày",
    "agency_zalo_restricted": "Zalo {error}: doanh nghiệp đã chặn loại tin này từ OA",
    "agency_zalo_unfollowed": "Zalo: doanh nghiệp đã bỏ quan tâm OA",
    "agency_zalo_token_failed": "⚠️ Không làm mới được mã truy cập Zalo OA ({error}). Hệ thống tiếp tục thử lại; "
    "nếu lỗi kéo dài, quản trị viên OA cần cấp lại quyền cho ứng dụng rồi nạp refresh token mới bằng lệnh "
    "pcibot zalo-token (xem README, mục Zalo).",
    # periodic report to the Provincial People's Committee (bot/core/reports.py, bot/core/report_docx.py)
    "agency_report_province": "UBND TỈNH LẠNG SƠN",
    "agency_report_issuer": "TỔ CÔNG TÁC VỀ PCI VÀ PHÁT TRIỂN KINH TẾ TƯ NHÂN",
    "agency_report_number": "Số: …/BC-TCT",
    "agency_report_nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "agency_report_motto": "Độc lập - Tự do - Hạnh phúc",
    "agency_report_date_line": "Lạng Sơn, ngày {day} tháng {month} năm {year}",
    "agency_report_kind": "BÁO CÁO",
    "agency_report_subject": "Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của doanh nghiệp",
    "agency_report_quarter": "Quý {roman} năm {year}",
    "agency_report_range": "Từ ngày {start} đến ngày {end}",
    "agency_report_as_of_end": "hết ngày {day}",
    "agency_report_to": "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn.",
    "agency_report_intro": "Thực hiện Kế hoạch cải thiện môi trường đầu tư kinh doanh, nâng cao Chỉ số năng lực "
    "cạnh tranh cấp tỉnh (PCI) và phát triển kinh tế tư nhân năm 2026 của UBND tỉnh, Tổ công tác về PCI và phát "
    "triển kinh tế tư nhân báo cáo kết quả tiếp nhận, xử lý phản ánh, kiến nghị của doanh nghiệp ({period}, số liệu "
    "đến {as_of}) như sau:",
    "agency_report_section_general": "I. TÌNH HÌNH CHUNG",
    "agency_report_section_topics": "II. KẾT QUẢ THEO CHỈ SỐ THÀNH PHẦN PCI VÀ LĨNH VỰC BPI",
    "agency_report_section_clusters": "III. VẤN ĐỀ LẶP LẠI",
    "agency_report_section_lagging": "IV. CƠ QUAN CHẬM XỬ LÝ",
    "agency_report_section_proposals": "V. ĐỀ XUẤT",
    "agency_report_received": "Trong kỳ, Hệ thống tiếp nhận {received} phản ánh, kiến nghị của doanh nghiệp.",
    "agency_report_answered": "Các cơ quan đã trả lời {answered} phản ánh, kiến nghị, trong đó {on_time} trả lời "
    "đúng hạn; tỷ lệ trả lời đúng hạn {rate}.",
    "agency_report_open": "Đến cuối kỳ còn {open} phản ánh, kiến nghị đang xử lý, trong đó {overdue} đã quá hạn "
    "trả lời.",
    "agency_report_outcomes": "Kết quả xử lý kiến nghị: {accepted} tiếp thu, {under_study} tiếp thu và đang nghiên "
    "cứu, {not_accepted} không tiếp thu (có giải trình).",
    "agency_report_rule": "Tỷ lệ trả lời đúng hạn = số trả lời đúng hạn ÷ (số đã trả lời + số quá hạn chưa trả lời "
    "đến cuối kỳ).",
    "agency_report_clusters": "Các nhóm phản ánh có nội dung tương tự (tiếp nhận trong kỳ, và mọi phản ánh còn mở "
    "đến cuối kỳ), nhiều phản ánh nhất trước:",
    "agency_report_clusters_none": "Trong kỳ chưa thấy nhóm phản ánh có nội dung tương tự nào.",
    "agency_report_lagging": "Các cơ quan có tỷ lệ trả lời đúng hạn dưới {threshold}:",
    "agency_report_lagging_none": "Không có cơ quan nào có tỷ lệ trả lời đúng hạn dưới {threshold}.",
    "agency_report_proposal_overdue": "Đề nghị {name} khẩn trương giải quyết dứt điểm {overdue} phản ánh, kiến nghị "
    "đã quá hạn và nâng tỷ lệ trả lời đúng hạn (hiện đạt {rate}) lên tối thiểu {threshold}.",
    "agency_report_proposal_rate": "Đề nghị {name} rà soát quy trình xử lý để nâng tỷ lệ trả lời đúng hạn (hiện đạt "
    "{rate}) lên tối thiểu {threshold}.",
    "agency_report_proposal_cluster": "Đề nghị {agency} xem xét giải quyết chung nhóm vấn đề lặp lại {id} ({size} "
    "phản ánh, {topic}) và công khai hướng dẫn cho doanh nghiệp.",
    "agency_report_proposal_none": "Đề nghị các cơ quan tiếp tục duy trì việc trả lời đúng hạn phản ánh, kiến nghị "
    "của doanh nghiệp.",
    "agency_report_chart_topics": "Tỷ lệ trả lời đúng hạn và phản ánh quá hạn theo chỉ số PCI, lĩnh vực BPI — {period}",
    "agency_report_chart_agencies": "Tỷ lệ trả lời đúng hạn và phản ánh quá hạn theo cơ quan — {period}",
    "agency_report_empty": "Không có phản ánh nào trong kỳ.",
    "agency_report_recipients": "Nơi nhận:\n- UBND tỉnh (b/c);\n- Các sở, ngành, UBND xã, phường;\n- Lưu: VT, TCT.",
    "agency_report_signer": "TM. TỔ CÔNG TÁC\nTỔ TRƯỞNG",
    "agency_report_total": "Tổng cộng",
}
