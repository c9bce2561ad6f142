"""Chinese catalog: the business-facing messages (agency-facing text stays Vietnamese only)."""

MESSAGES: dict[str, str] = {
    # kinds, states, outcomes, topics
    "kind_phan_anh": "反映",
    "kind_kien_nghi": "建议",
    "kind_hoi_dap": "咨询",
    "kind_to_cao": "检举",
    "state_triage": "正在分类",
    "state_new": "已受理，等待处理机关处理",
    "state_in_progress": "正在处理",
    "state_awaiting_info": "等待贵企业补充信息",
    "state_resolved": "已有处理结果",
    "state_closed": "已结束",
    "state_rejected": "不属于受理范围",
    "outcome_accepted": "采纳",
    "outcome_under_study": "采纳，正在研究",
    "outcome_not_accepted": "不予采纳",
    "outcome_line": "建议处理结果：{outcome}\n",
    "topic_none": "尚未确定领域",
    # buttons
    "btn_new": "提交反映、建议",
    "btn_status": "查询已提交的反映",
    "btn_yes": "是",
    "btn_no": "否",
    "btn_skip": "跳过",
    "btn_send": "发送",
    "btn_other_topic": "选择其他领域",
    "btn_cancel": "取消",
    "btn_not_solved": "尚未解决",
    "btn_same_contact": "使用上次的信息：{name}，{phone}",
    # greeting and help
    "greeting": "尊敬的企业，您好！这里是谅山省企业反映、建议受理渠道。贵企业可直接在此发送内容；"
    "系统将转交主办机关，并告知答复期限。",
    "help": "使用说明：\n"
    "• 发送内容（可附图片、文件）即可开始一项反映、建议；或输入 /new。\n"
    "• /status — 查看已提交的反映；/status LS-XXXXXX — 按编号查询。\n"
    "• /cancel — 取消正在填写的内容。\n"
    "• /lang vi|en|zh — 选择语言。\n"
    "答复期限按工作日计算，不含星期六、星期日及法定节假日。",
    "not_understood": "系统未能理解您的请求。请输入 /help 查看使用说明，或直接发送反映内容。",
    "unknown_command": "系统暂不支持此命令。请输入 /help 查看使用说明。",
    "button_expired": "此选项已失效。请输入 /help 查看使用说明。",
    "cancelled": "已取消正在填写的内容，未发送任何信息。",
    "nothing_to_cancel": "当前没有正在填写的内容。",
    "lang_usage": "请选择语言：/lang vi（Tiếng Việt）、/lang en（English）、/lang zh（中文）。",
    "lang_set": "系统将使用中文。",
    # intake dialog
    "ask_description": "请贵企业描述反映、建议的内容（可附图片、文件）。",
    "ask_kind": "此内容属于哪一类？",
    "more_added": "系统已补充该内容。请选择反映、建议的类别：",
    "ask_name": "为便于主管机关在必要时与贵企业联系，请提供联系人姓名。此信息仅处理机关可见。",
    "ask_phone": "请提供联系电话（或点击按钮分享电话号码）。",
    "bad_name": "姓名无效（2–100 个字符，须含字母）。请贵企业重新输入。",
    "bad_phone": "电话号码有误。请输入 10 位手机号码（例如 0912 345 678）或带区号的固定电话号码。",
    "ask_company": "企业或个体工商户名称（选填）：",
    "bad_company": "企业名称须为 2 至 300 个字符。请重新输入或点击“跳过”。",
    "ask_tax_code": "税号（10 位或 13 位数字；个体工商户可使用 12 位个人身份识别号码；选填）：",
    "bad_tax_code": "税号有误。请核对（10 位数字、格式为 0123456789-001 的 13 位数字，"
    "或 12 位身份识别号码），或点击“跳过”。",
    "ask_commune": "企业经营所在的乡、坊（选填），例如：Đồng Đăng：",
    "bad_commune": "系统在谅山省未找到该乡、坊。请重新输入或点击“跳过”。",
    "ask_confidential": "贵企业是否希望对身份保密？如选择保密，处理机关将看不到姓名和电话号码，"
    "仅协调部门可见。",
    "ask_consent": "贵企业是否同意将反映内容（已隐去个人信息）连同答复结果在公开网页上公布？",
    "ask_topic": "请选择相应的领域：",
    "confirm_card": "发送前请核对：\n"
    "• 类别：{kind}\n• 领域：{topic}\n• 主办机关：{agency}\n"
    "• 预计答复期限：{due}（{days} 个工作日）\n• 联系方式：{contact}\n"
    "• 身份保密：{confidential}\n• 同意公开内容：{consent}\n"
    "• 附件：{files}\n\n{text}",
    "too_long": "内容超过 {limit} 个字符。请贵企业精简内容或分多条消息发送。",
    "too_many_attachments": "每项反映最多可附 {limit} 个附件。",
    "receipt": "系统已受理贵企业的{kind}。查询编号：{code}。主办机关：{agency}。"
    "答复期限：{due}（{days} 个工作日）。",
    "receipt_triage": "系统已受理贵企业的{kind}。查询编号：{code}。{agency}正在对内容进行分类，"
    "以便转交有权限的机关。答复期限：{due}（{days} 个工作日）。",
    # status
    "status_line": "{code} — {kind} — {state}",
    "status_detail": "领域：{topic}。主办机关：{agency}。受理日期：{received}。答复期限：{due}。",
    "status_answer": "答复：{text}",
    "status_link": "详情：{url}",
    "status_none": "贵企业尚未提交任何反映、建议。",
    "status_unknown": "未找到编号为 {code} 的反映。请核对查询编号（格式为 LS-XXXXXX）。",
    # the thread with the agency
    "taken": "反映 {code} 已由{agency}受理处理。答复期限：{due}。",
    "agency_reply": "{agency}就反映 {code} 回复如下：\n{text}\n{signature}",
    "agency_question": "{agency}需要贵企业为反映 {code} 补充信息：\n{text}\n"
    "请直接在此回复。在收到信息之前，处理期限暂停计算。\n"
    "{signature}",
    "info_added": "系统已将补充信息转交处理反映 {code} 的机关。答复期限：{due}。",
    "resolved": "反映 {code} 已有处理结果。\n{outcome}{text}\n{signature}\n\n"
    "贵企业对处理结果是否满意？（1 = 非常不满意，5 = 非常满意）",
    "extended": "反映 {code} 的答复期限已延长 {days} 个工作日，至 {due}。理由：{reason}",
    "transferred": "反映 {code} 已按职权转交{agency}。理由：{reason}。答复期限不变：{due}。",
    "rejected": "反映 {code} 不属于受理范围。理由：{reason}\n{signature}",
    "reopened": "反映 {code} 已重新开启，并重新转交{agency}。新的答复期限：{due}。",
    "rated": "感谢贵企业对反映 {code} 的处理结果作出评价。",
    "rated_reopened": "感谢贵企业。反映 {code} 已重新开启，由机关继续处理。",
    "reopened_ack": "反映 {code} 已重新开启。新的答复期限：{due}。",
    "rating_reminder": "反映 {code} 已有处理结果。贵企业对处理结果是否满意？",
    "closed_no_answer": "反映 {code} 已结束。如问题尚未解决，贵企业可提交新的反映。",
    # refusals
    "err_bad_transition": "在反映的当前状态（{state}）下无法执行此操作。",
    "err_forbidden": "您无权处理此反映（属于{agency}）。",
    "err_text_required": "请输入内容。",
    "err_answer_required": "请输入答复内容。",
    "err_question_required": "请输入问题内容。",
    "err_reason_required": "请说明理由。",
    "err_too_long": "内容超过 {limit} 个字符。请精简内容或分多条消息发送。",
    "err_bad_kind": "反映类别无效。",
    "err_too_many_attachments": "每项反映最多可附 {limit} 个附件。",
    "err_unknown_topic": "不存在领域「{topic}」。",
    "err_unknown_agency": "不存在机关「{agency}」。输入 /agencies 查看机关编号列表。",
    "err_outcome_required": "建议须填写处理结果：tiep_thu、nghien_cuu 或 khong_tiep_thu"
    "（例如：/resolve LS-XXXXXX tiep_thu 答复内容）。",
    "err_same_agency": "该反映已属于{agency}。",
    "err_already_extended": "此反映已延期一次，不能再次延期。",
    "err_bad_extension": "延期天数须为 1 至 {limit} 个工作日。",
    "err_reopen_expired": "自得出处理结果起已超过 {days} 天；请贵企业提交新的反映。",
    "err_bad_rating": "评价须为 1 至 5 分。",
}
