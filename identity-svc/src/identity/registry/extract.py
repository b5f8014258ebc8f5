"""The registry extract's CSV layout (header row, UTF-8, ISO dates, empty = unknown)."""

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
