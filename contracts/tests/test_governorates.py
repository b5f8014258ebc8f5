from contracts.governorates import ABROAD, BY_CODE, GOVERNORATES


def test_the_27_governorates_with_unique_codes_and_names():
    assert len(GOVERNORATES) == 27
    assert len(BY_CODE) == 27
    assert len({g.name_en for g in GOVERNORATES}) == 27
    assert ABROAD not in BY_CODE
    assert BY_CODE["03"].name_en == "Port Said"
    assert all(len(g.code) == 2 and g.code.isdigit() for g in GOVERNORATES)
