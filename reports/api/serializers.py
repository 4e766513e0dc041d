"""What the API shows of each record: the same fields, and the same masking, as the pages.

Members carry only their masked ID number and phone, whoever asks: the API
is for machines, and seeing a full number must stay a recorded, deliberate
act of one person on one member's page, never a bulk download.
"""

from rest_framework import serializers

from members.models import Member, Membership
from organizations.models import Area, Enterprise, Union


class AreaSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_zh")

    class Meta:
        model = Area
        fields = ["code", "name", "name_en", "level", "parent"]


class EnterpriseSerializer(serializers.ModelSerializer):
    is_four_element = serializers.BooleanField(read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "area",
            "park",
            "sector",
            "ownership",
            "above_scale",
            "employees",
            "migrant_workers",
            "has_party_org",
            "operating",
            "profitable",
            "is_four_element",
            "registered_on",
            "closed_on",
            "federation_affiliate",
        ]


class UnionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Union
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "area",
            "park",
            "parent",
            "founded_on",
            "dissolved_on",
            "federation_affiliate",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "union", "employer", "joined_on", "channel", "left_on", "end_reason"]


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    is_new_generation = serializers.BooleanField(read_only=True)
    # Only the memberships inside the asker's scope (the view prefetches them
    # into `scoped_memberships`): where a person went after leaving is another
    # scope's business.
    memberships = MembershipSerializer(source="scoped_memberships", many=True, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "sex",
            "ethnicity",
            "hukou_place",
            "is_migrant",
            "is_new_generation",
            "memberships",
        ]
