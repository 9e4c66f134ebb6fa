"""The profile lerld publishes: data about one vocabulary and its data (kinds, relations,
catalogues, the map, titles, default query) that the generic engine reads.

`PROFILE` is the profile in use (the LER profile, `lerld.profile.ler`); the types it is
made of are in `lerld.profile.model` and exported here. The engine modules import
`PROFILE` from here and name no class or property of the profile's vocabulary.
"""

from lerld.profile.ler import PROFILE
from lerld.profile.model import (
    Catalogue,
    Kind,
    Listing,
    MapKind,
    MapProfile,
    OrderedList,
    PartsOf,
    Profile,
    Relation,
    Vocabulary,
)

__all__ = [
    "PROFILE",
    "Catalogue",
    "Kind",
    "Listing",
    "MapKind",
    "MapProfile",
    "OrderedList",
    "PartsOf",
    "Profile",
    "Relation",
    "Vocabulary",
]
