"""Built-in name lists of the synthetic borough.

Pupils' forenames and surnames are drawn from common given names and family names of
several origins, combined at random, so no row describes a real person. Place names
(wards, schools) are invented by joining two made-up syllables; postcodes use the
non-existent ``ZZ`` postcode area.
"""

from __future__ import annotations

import numpy as np


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``."""
    return tuple(text.split())


NAME_POOLS: tuple[str, ...] = _words(
    "british south_asian african_caribbean east_european east_asian"
)
"""Origins of the name lists, in the order of the pool indexes used below."""

FORENAMES_MALE: dict[str, tuple[str, ...]] = {
    "british": _words(
        "Oliver George Harry Noah Jack Leo Arthur Oscar Charlie Jacob Thomas Henry "
        "William Freddie Alfie Theo Archie Joshua James Lucas Isaac Ethan Max Samuel "
        "Daniel Finley Logan Mason Riley Reuben Toby Dylan Harrison Edward Joseph "
        "Benjamin Louie Teddy Tommy Ryan Lewis Callum Kieran Jake"
    ),
    "south_asian": _words(
        "Muhammad Mohammed Ibrahim Yusuf Ayaan Zayn Hamza Ali Arjun Aarav Rayyan "
        "Haris Omar Vihaan Dev Rohan Adam Imran Bilal Zain"
    ),
    "african_caribbean": _words(
        "Tobi David Samuel Emmanuel Joshua Kwame Chidi Tariq Malachi Elijah Isaac "
        "Femi Kofi Tendai Jayden Nathaniel Micah Ezra Olu Marcus"
    ),
    "east_european": _words(
        "Jakub Kacper Filip Szymon Antoni Mateusz Andrei Luca Matei Oliwer Dawid "
        "Mikolaj Wiktor Aleksander Stefan Nikola Tomas Lukas Bogdan Milan"
    ),
    "east_asian": _words("Jun Wei Hao Ming Kai Ryan Ethan Jason Leo Yi"),
}

FORENAMES_FEMALE: dict[str, tuple[str, ...]] = {
    "british": _words(
        "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow "
        "Florence Emily Ella Poppy Evie Elsie Charlotte Evelyn Sienna Daisy Matilda "
        "Phoebe Ruby Millie Harper Maisie Erin Holly Chloe Jessica Lucy Megan Eva "
        "Layla Hannah Molly Scarlett"
    ),
    "south_asian": _words(
        "Aisha Maryam Fatima Zara Hafsa Inaya Amira Anaya Priya Aaliyah Noor Sana "
        "Khadija Mehak Riya Simran Eshal Ayesha Zainab Hana"
    ),
    "african_caribbean": _words(
        "Amara Chioma Grace Esther Blessing Favour Adaeze Abena Nia Zuri Imani "
        "Precious Ruth Tiana Makayla Kemi Ama Adwoa Ife Deborah"
    ),
    "east_european": _words(
        "Zuzanna Julia Maja Lena Alicja Oliwia Hanna Natalia Ioana Maria Elena Sofia "
        "Emilia Wiktoria Laura Anna Gabriela Antonia Karolina Daria"
    ),
    "east_asian": _words("Mei Lin Xin Yu Jia Chloe Grace Ling Yan Hui"),
}

SURNAMES: dict[str, tuple[str, ...]] = {
    "british": _words(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright "
        "Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Hughes "
        "Edwards Turner Hill Cooper Ward Harris Martin Baker Moore Lee Parker Kelly "
        "Morris Holt Hesketh Fairhurst Gaskell Rigby Unsworth Pennington Ashurst "
        "Heyes Ratcliffe Winstanley Cunliffe Seddon Brennan Bibby Melling O'Brien "
        "Murphy Doyle Byrne"
    ),
    "south_asian": _words(
        "Khan Ahmed Hussain Ali Patel Shah Begum Iqbal Akhtar Malik Rahman Mahmood "
        "Sharma Singh Kaur Chowdhury Islam Mirza Qureshi Nawaz"
    ),
    "african_caribbean": _words(
        "Okafor Mensah Adeyemi Osei Okonkwo Boateng Nwosu Abiodun Moyo Banda Mwangi "
        "Asante Ibekwe Adebayo Owusu Campbell Thomas Francis Grant Reid"
    ),
    "east_european": _words(
        "Kowalski Nowak Wisniewski Wojcik Kaminski Lewandowski Zielinski Popescu "
        "Ionescu Kovacs Novak Horvat Petrov Dobre Mazur Krawczyk Lis Dudek Popa Stan"
    ),
    "east_asian": _words("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Lin Xu Sun Ma Zhu"),
}

PLACE_STARTS: tuple[str, ...] = _words(
    "Quill Brack Oxle Thrim Wendle Marrow Puddle Skel Dray Feather Gorse Lantern "
    "Hazel Tumble Cinder Bramble Rowan Kestrel Wren Sparrow Otter Badger Nettle "
    "Thistle Copper Flint Ember Larch Heron Sorrel"
)
PLACE_ENDS: tuple[str, ...] = _words("ton bury wick ford combe ley thorpe stow by hurst moss dale")
SCHOOL_FEATURES: tuple[str, ...] = _words(
    "Brook Meadow Orchard Hill Park Green Fields Vale Lane Moor Bank Bridge"
)

POSTCODE_AREA = "ZZ"
"""A postcode area that does not exist: every synthetic postcode is fictional."""
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
"""Letters used in the last two characters of a postcode (no C, I, K, M, O, V)."""


def invented_place_names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct invented place names such as ``Kestrelwick``."""
    combos = [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} invented place names, not {count}")
    picks = rng.choice(len(combos), size=count, replace=False)
    return [combos[int(i)] for i in picks]


def draw_names(
    rng: np.random.Generator, pool: np.ndarray, male: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Forenames and surnames for pupils whose name origin is ``pool`` (index into
    ``NAME_POOLS``) and whose sex is male where ``male`` is true."""
    forenames = np.empty(pool.size, dtype=object)
    surnames = np.empty(pool.size, dtype=object)
    for index, origin in enumerate(NAME_POOLS):
        in_pool = pool == index
        for is_male, lists in ((True, FORENAMES_MALE), (False, FORENAMES_FEMALE)):
            rows = np.flatnonzero(in_pool & (male == is_male))
            choices = np.array(lists[origin], dtype=object)
            forenames[rows] = choices[rng.integers(0, choices.size, rows.size)]
        rows = np.flatnonzero(in_pool)
        choices = np.array(SURNAMES[origin], dtype=object)
        surnames[rows] = choices[rng.integers(0, choices.size, rows.size)]
    return forenames, surnames
