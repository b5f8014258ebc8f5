"""Common Egyptian given and family names (Arabic, Latin) for the synthetic registry."""

MALE = (
    ("محمد", "Mohamed"), ("أحمد", "Ahmed"), ("محمود", "Mahmoud"), ("مصطفى", "Mostafa"), ("علي", "Ali"),
    ("حسن", "Hassan"), ("حسين", "Hussein"), ("إبراهيم", "Ibrahim"), ("يوسف", "Youssef"), ("عمر", "Omar"),
    ("خالد", "Khaled"), ("عبد الله", "Abdallah"), ("عبد الرحمن", "Abdelrahman"), ("كريم", "Karim"),
    ("طارق", "Tarek"), ("سامح", "Sameh"), ("هشام", "Hesham"), ("وليد", "Walid"), ("أيمن", "Ayman"),
    ("عادل", "Adel"), ("سيد", "Sayed"), ("جمال", "Gamal"), ("شريف", "Sherif"), ("ياسر", "Yasser"),
    ("عمرو", "Amr"), ("إسلام", "Islam"), ("مينا", "Mina"), ("جرجس", "Girgis"), ("بيشوي", "Bishoy"),
    ("رامي", "Ramy"), ("هاني", "Hany"), ("سمير", "Samir"), ("فتحي", "Fathy"), ("صلاح", "Salah"),
    ("عاطف", "Atef"), ("زياد", "Ziad"), ("آدم", "Adam"), ("مروان", "Marwan"), ("طه", "Taha"),
    ("إسماعيل", "Ismail"), ("رضا", "Reda"), ("نبيل", "Nabil"), ("منير", "Mounir"), ("سعيد", "Saeed"),
)  # fmt: skip
FEMALE = (
    ("فاطمة", "Fatma"), ("مريم", "Mariam"), ("نور", "Nour"), ("هبة", "Heba"), ("منى", "Mona"),
    ("سارة", "Sara"), ("آية", "Aya"), ("إيمان", "Eman"), ("أسماء", "Asmaa"), ("شيماء", "Shaimaa"),
    ("دعاء", "Doaa"), ("ياسمين", "Yasmin"), ("رحمة", "Rahma"), ("سلمى", "Salma"), ("هدى", "Hoda"),
    ("زينب", "Zeinab"), ("خديجة", "Khadiga"), ("عائشة", "Aisha"), ("نادية", "Nadia"), ("سميرة", "Samira"),
    ("أميرة", "Amira"), ("ريهام", "Reham"), ("دينا", "Dina"), ("رانيا", "Rania"), ("إسراء", "Esraa"),
    ("مرفت", "Mervat"), ("نجلاء", "Naglaa"), ("سعاد", "Soad"), ("ماجدة", "Magda"), ("ليلى", "Layla"),
    ("مارينا", "Marina"), ("ماري", "Mary"), ("كريستين", "Christine"), ("جميلة", "Gamila"), ("حنان", "Hanan"),
    ("عبير", "Abeer"), ("وفاء", "Wafaa"), ("رشا", "Rasha"), ("ملك", "Malak"), ("جنى", "Jana"),
)  # fmt: skip
FAMILY = (
    ("المصري", "El-Masry"), ("الشافعي", "El-Shafei"), ("عبد العزيز", "Abdelaziz"), ("النجار", "El-Naggar"),
    ("الشريف", "El-Sherif"), ("عثمان", "Osman"), ("السيد", "El-Sayed"), ("حسانين", "Hassanein"),
    ("الجمال", "El-Gamal"), ("منصور", "Mansour"), ("سليمان", "Soliman"), ("رزق", "Rizk"), ("فرج", "Farag"),
    ("عبد الحميد", "Abdelhamid"), ("البنا", "El-Banna"), ("شحاتة", "Shehata"), ("غنيم", "Ghoneim"),
    ("بدوي", "Badawy"), ("خليل", "Khalil"), ("حنا", "Hanna"), ("عوض", "Awad"), ("الطحان", "El-Tahan"),
    ("زكي", "Zaki"), ("الحسيني", "El-Husseini"), ("قاسم", "Kassem"), ("درويش", "Darwish"),
)  # fmt: skip
DISTRICTS = (
    "حي أول",
    "حي ثان",
    "مركز المدينة",
    "حي الشرق",
    "حي الغرب",
    "حي الزهور",
    "حي العرب",
    "مركز البندر",
)
STREETS = ("شارع الجمهورية", "شارع النصر", "شارع الثورة", "شارع سعد زغلول", "شارع الجلاء", "شارع المحطة")
