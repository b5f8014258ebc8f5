"""The registry extract's CSV layouts (header row, UTF-8, ISO dates, empty = unknown): one file of
people, one of marriage records (a divorce ends a record: its `divorce_date`)."""

COLUMNS: tuple[str, ...] = (
    "national_id",
    "first_name_ar",
    "full_name_ar",
    "full_name_latin",
    "mother_first_name_ar",
    "birth_date",
    "sex",
    "governorate",
    "district_ar",
    "address_ar",
    "father_national_id",
    "mother_national_id",
    "spouse_national_id",
    "marital_status",
    "alive",
    "date_of_death",
)

MARRIAGE_COLUMNS: tuple[str, ...] = (
    "marriage_id",
    "husband_national_id",
    "wife_national_id",
    "marriage_date",
    "divorce_date",
    "governorate",
)
