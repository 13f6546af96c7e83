"""Vietnamese words for demo data: people's names, phone numbers, topics, feedback.

Written out here rather than taken from Faker: its vi_VN locale puts the family name last
("Ngọc Nguyễn"), which no Vietnamese staff member would recognise as a name.
"""

from __future__ import annotations

import random
import unicodedata
from itertools import accumulate

# Family names with their rough share of the population (Nguyễn is about four in ten).
_FAMILY = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9, "Phạm": 7, "Hoàng": 5, "Huỳnh": 4, "Phan": 4,
    "Vũ": 4, "Võ": 3, "Đặng": 2, "Bùi": 2, "Đỗ": 1.5, "Hồ": 1.5, "Ngô": 1.5, "Dương": 1,
    "Lý": 0.5, "Đinh": 1, "Trương": 1, "Mai": 0.5, "Đoàn": 0.5, "Lâm": 0.5, "Cao": 0.5,
}  # fmt: skip
FAMILY_NAMES = tuple(_FAMILY)
FAMILY_WEIGHTS = tuple(accumulate(_FAMILY.values()))

MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Gia", "Công", "Anh", "Xuân",
               "Đình", "Quang", "Tuấn", "Hoàng", "Trọng")  # fmt: skip
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Mỹ", "Bảo", "Khánh",
                 "Hoài", "Kim", "Diệu", "Hồng", "Thùy")  # fmt: skip
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Huy", "Hùng",
              "Khang", "Khoa", "Khôi", "Kiên", "Long", "Minh", "Nam", "Nghĩa", "Nhân",
              "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh",
              "Toàn", "Trí", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Bảo")  # fmt: skip
GIVEN_FEMALE = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hân", "Hằng", "Hạnh", "Hiền", "Hoa",
                "Hương", "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Ngân", "Ngọc", "Nhi",
                "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thư", "Trang", "Trâm", "Uyên",
                "Vân", "Vy", "Yến")  # fmt: skip

# Mobile prefixes after the leading 0 (Viettel, Vinaphone, MobiFone, Vietnamobile).
MOBILE_PREFIXES = ("32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "70", "76",
                   "77", "78", "79", "81", "82", "83", "84", "85", "86", "88", "89", "90",
                   "91", "93", "94", "96", "97", "98")  # fmt: skip
MAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com.vn", "outlook.com",
                "hotmail.com", "fpt.edu.vn", "hcmut.edu.vn")  # fmt: skip

SPECIALTIES = ("Định hướng nghề nghiệp", "Chọn ngành đại học", "Viết CV và thư xin việc",
               "Kỹ năng phỏng vấn", "Du học", "Công nghệ thông tin", "Tài chính – Ngân hàng",
               "Marketing", "Khởi nghiệp", "Tâm lý học đường",
               "Chuyển đổi nghề nghiệp")  # fmt: skip
QUALIFICATIONS = ("Thạc sĩ Tâm lý học", "Tiến sĩ Giáo dục học", "Thạc sĩ Quản trị kinh doanh",
                  "Chứng chỉ Career Coach quốc tế (ICF)", "Cử nhân Quản trị nhân sự",
                  "Thạc sĩ Công tác xã hội", "10 năm kinh nghiệm tuyển dụng")  # fmt: skip
TOPICS = ("Tư vấn chọn ngành đại học", "Định hướng nghề nghiệp sau tốt nghiệp",
          "Sửa CV và thư xin việc", "Luyện phỏng vấn xin việc", "Tư vấn du học Úc",
          "Tư vấn du học Nhật Bản", "Chuyển ngành sang công nghệ thông tin",
          "Lộ trình phát triển sự nghiệp 5 năm", "Tìm học bổng thạc sĩ", "Đàm phán lương",
          "Cân bằng công việc và cuộc sống", "", "")  # fmt: skip
RATINGS = (5.0, 4.5, 4.0, 3.5, 3.0, 2.5, 2.0, 1.0, 0.0)
RATING_WEIGHTS = tuple(accumulate((34, 22, 18, 9, 7, 4, 3, 2, 1)))
COMMENTS_GOOD = ("Rất hữu ích, cảm ơn tư vấn viên!", "Tư vấn viên nhiệt tình, dễ hiểu.",
                 "Buổi tư vấn giúp em định hướng rõ ràng hơn.",
                 "Sẽ giới thiệu cho bạn bè.", "")  # fmt: skip
COMMENTS_FAIR = ("Khá ổn nhưng thời gian hơi ngắn.", "Thông tin hữu ích, cần cụ thể hơn.", "")
COMMENTS_POOR = ("Tư vấn viên đến muộn.", "Chưa giải đáp được thắc mắc của tôi.",
                 "Đường truyền bị gián đoạn nhiều.")  # fmt: skip
PROGRAMS = ("Hội thảo Chọn ngành đúng – Vững tương lai", "Ngày hội việc làm sinh viên",
            "Workshop viết CV chuyên nghiệp", "Tọa đàm du học Nhật Bản",
            "Khóa kỹ năng phỏng vấn", "Định hướng nghề nghiệp cho học sinh lớp 12",
            "Giao lưu cùng doanh nghiệp công nghệ", "Chuyển nghề tuổi 30")  # fmt: skip
ORGANIZERS = ("Trung tâm Hướng nghiệp MeetAssist", "Đoàn Thanh niên ĐH Bách khoa TP.HCM",
              "Hội Sinh viên ĐH Quốc gia Hà Nội", "Câu lạc bộ Nhân sự Việt Nam")  # fmt: skip


def ascii_fold(text: str) -> str:
    """'Nguyễn Đức' → 'nguyen duc' (for e-mail addresses)."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_FOLDED = {
    word: ascii_fold(word)
    for word in (*FAMILY_NAMES, *MIDDLE_MALE, *MIDDLE_FEMALE, *GIVEN_MALE, *GIVEN_FEMALE)
}


def person(rng: random.Random, number: int) -> tuple[str, str, str]:
    """A (full name, e-mail, phone) triple; ``number`` keeps e-mail addresses distinct."""
    family = rng.choices(FAMILY_NAMES, cum_weights=FAMILY_WEIGHTS)[0]
    if rng.random() < 0.5:
        middle, given = rng.choice(MIDDLE_FEMALE), rng.choice(GIVEN_FEMALE)
    else:
        middle, given = rng.choice(MIDDLE_MALE), rng.choice(GIVEN_MALE)
    email = f"{_FOLDED[given]}.{_FOLDED[family]}{number}@{rng.choice(MAIL_DOMAINS)}"
    return f"{family} {middle} {given}", email, phone(rng)


def phone(rng: random.Random) -> str:
    """A Vietnamese mobile number in its stored form (``meetassist.phones``): 0xx…."""
    return f"0{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def feedback_comment(rng: random.Random, rating: float) -> str:
    pool = COMMENTS_GOOD if rating >= 4 else COMMENTS_FAIR if rating >= 3 else COMMENTS_POOR
    return rng.choice(pool)
